// A small TypeScriptToLua program using the s3 rock through its declarations
// (types/s3/index.d.ts). Compiled by test/typings/check.sh; run by test/spec/typings_spec.lua:
//     tarantool build/main.lua   (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY set)
import * as s3 from "s3";

const endpoint = os.getenv("S3_ENDPOINT");
if (endpoint === undefined) {
    error("S3_ENDPOINT is not set");
}
s3.cfg({
    endpoint: endpoint,
    access_key_id: os.getenv("S3_ACCESS_KEY"),
    secret_access_key: os.getenv("S3_SECRET_KEY"),
    retries: 1,
});
const client: s3.Client = s3.new({ endpoint: endpoint, anonymous: true });

const bucket = `ts-example-${math.random(1, 1e9)}`;
const [created, createErr] = s3.create_bucket(bucket);
if (!created) {
    error(`create_bucket: ${tostring(createErr)}`);
}

const [ok, err] = s3.put(bucket, "hello.txt", "hello from TypeScript", {
    content_type: "text/plain",
    metadata: { origin: "example" },
});
if (ok === undefined) {
    error(`put: ${err.code} ${err.message}`);
}

const [body, info] = s3.get(bucket, "hello.txt");
if (body === undefined) {
    error(`get: ${tostring(info)}`);
}
print(`get: ${body} (${info.size} bytes, ${info.content_type}, origin=${info.metadata["origin"]})`);

const url = s3.presign("GET", bucket, "hello.txt", { expires: 60 });
print(`presigned: ${string.sub(url, 1, 40)}...`);

// An anonymous client cannot read a private object: a typed error, not an exception.
const [denied, deniedErr] = client.get(bucket, "hello.txt");
if (denied === undefined && s3.is_error(deniedErr)) {
    print(`anonymous get: ${deniedErr.code}`);
}

const [headInfo, headErr] = s3.head(bucket, "missing");
if (headInfo === undefined) {
    print(`head missing: ${headErr.status}`);
}

s3.delete(bucket, "hello.txt");
s3.delete_bucket(bucket);
print("typescript example: ok");
