// Must NOT compile: a misspelt option of put_from_file (test/typings/check.sh).
import * as s3 from "s3";
s3.put_from_file("bucket", "key", "/tmp/file", { part_sise: 8 * 1024 * 1024 });
