--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local ____client = require("s3.client")
local Client = ____client.Client
local ____objects = require("s3.objects")
local createBucket = ____objects.createBucket
local deleteBucket = ____objects.deleteBucket
local deleteObject = ____objects.deleteObject
local getObject = ____objects.getObject
local getToFile = ____objects.getToFile
local headObject = ____objects.headObject
local putFromFile = ____objects.putFromFile
local putObject = ____objects.putObject
local ____presign = require("s3.presign")
local presignWith = ____presign.presign
local native = require("s3.native")
local ____config = require("s3.config")
local resolveConfig = ____config.resolveConfig
local ____errors = require("s3.errors")
local errorMeta = ____errors.errorMeta
local isError = ____errors.isError
local ____listing = require("s3.listing")
local listObjects = ____listing.list
local iterateObjects = ____listing.objects
local ____deletion = require("s3.deletion")
local deleteMany = ____deletion.deleteMany
local ____copy = require("s3.copy")
local copyObject = ____copy.copyObject
local ____buckets = require("s3.buckets")
local headBucket = ____buckets.headBucket
local listBuckets = ____buckets.listBuckets
local ____uploads = require("s3.uploads")
local abortMultipartUpload = ____uploads.abortMultipartUpload
local listMultipartUploads = ____uploads.listMultipartUploads
local defaultClient
--- Makes c the default client of Lua and of the C API.
local function setDefault(c)
    defaultClient = c
    native.set_default(c._native)
    return c
end
--- Configures the default client; options not given come from the environment.
function ____exports.cfg(opts)
    setDefault(__TS__New(
        Client,
        resolveConfig("s3.cfg", opts)
    ))
end
--- An independent client; its methods are called with ':'.
local function newClient(opts)
    return __TS__New(
        Client,
        resolveConfig("s3.new", opts)
    )
end
--- The default client; made from the environment when s3.cfg was never called.
local function getDefault(fn)
    if defaultClient == nil then
        return setDefault(__TS__New(
            Client,
            resolveConfig(fn, nil)
        ))
    end
    return defaultClient
end
local function deleteDefault(bucket, key, opts)
    return deleteObject(
        getDefault("s3.delete"),
        "s3.delete",
        bucket,
        key,
        opts
    )
end
____exports.new = newClient
____exports.delete = deleteDefault
function ____exports.get_to_file(bucket, key, path, opts)
    return getToFile(
        getDefault("s3.get_to_file"),
        "s3.get_to_file",
        bucket,
        key,
        path,
        opts
    )
end
function ____exports.put_from_file(bucket, key, path, opts)
    return putFromFile(
        getDefault("s3.put_from_file"),
        "s3.put_from_file",
        bucket,
        key,
        path,
        opts
    )
end
function ____exports.get(bucket, key, opts)
    return getObject(
        getDefault("s3.get"),
        "s3.get",
        bucket,
        key,
        opts
    )
end
function ____exports.put(bucket, key, body, opts)
    return putObject(
        getDefault("s3.put"),
        "s3.put",
        bucket,
        key,
        body,
        opts
    )
end
function ____exports.head(bucket, key, opts)
    return headObject(
        getDefault("s3.head"),
        "s3.head",
        bucket,
        key,
        opts
    )
end
function ____exports.create_bucket(bucket, opts)
    return createBucket(
        getDefault("s3.create_bucket"),
        "s3.create_bucket",
        bucket,
        opts
    )
end
function ____exports.delete_bucket(bucket, opts)
    return deleteBucket(
        getDefault("s3.delete_bucket"),
        "s3.delete_bucket",
        bucket,
        opts
    )
end
function ____exports.delete_many(bucket, keys, opts)
    return deleteMany(
        getDefault("s3.delete_many"),
        "s3.delete_many",
        bucket,
        keys,
        opts
    )
end
function ____exports.list(bucket, opts)
    return listObjects(
        getDefault("s3.list"),
        "s3.list",
        bucket,
        opts
    )
end
function ____exports.objects(bucket, opts)
    return iterateObjects(
        getDefault("s3.objects"),
        "s3.objects",
        bucket,
        opts
    )
end
function ____exports.copy(srcBucket, srcKey, bucket, key, opts)
    return copyObject(
        getDefault("s3.copy"),
        "s3.copy",
        srcBucket,
        srcKey,
        bucket,
        key,
        opts
    )
end
function ____exports.list_buckets(opts)
    return listBuckets(
        getDefault("s3.list_buckets"),
        "s3.list_buckets",
        opts
    )
end
function ____exports.head_bucket(bucket, opts)
    return headBucket(
        getDefault("s3.head_bucket"),
        "s3.head_bucket",
        bucket,
        opts
    )
end
function ____exports.list_multipart_uploads(bucket, prefix, opts)
    return listMultipartUploads(
        getDefault("s3.list_multipart_uploads"),
        "s3.list_multipart_uploads",
        bucket,
        prefix,
        opts
    )
end
function ____exports.abort_multipart_upload(bucket, key, uploadId, opts)
    return abortMultipartUpload(
        getDefault("s3.abort_multipart_upload"),
        "s3.abort_multipart_upload",
        bucket,
        key,
        uploadId,
        opts
    )
end
--- A presigned URL for the default client (no request; never yields).
function ____exports.presign(method, bucket, key, opts)
    return presignWith(
        getDefault("s3.presign"),
        "s3.presign",
        method,
        bucket,
        key,
        opts
    )
end
--- The default client's stats (see client:stats()).
function ____exports.stats()
    return getDefault("s3.stats"):stats()
end
--- True for the error objects this module returns as `nil, err`.
____exports.is_error = isError
--- The metatable of those error objects.
____exports.error_mt = errorMeta
return ____exports
