// Must NOT compile: an unknown client method and an option of another call.
import * as s3 from "s3";
const c = s3.new({});
c.get("bucket", "key", { content_type: "text/plain" });
