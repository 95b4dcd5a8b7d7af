// Must NOT compile: a misspelt option of s3.cfg (test/typings/check.sh).
import * as s3 from "s3";
s3.cfg({ endpiont: "http://127.0.0.1:9000" });
