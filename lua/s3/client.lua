--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__Class(self)
    local c = {prototype = {}}
    c.prototype.__index = c.prototype
    c.prototype.constructor = c
    return c
end

local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local ____self
local native = require("s3.native")
local ____config = require("s3.config")
local nativeConfig = ____config.nativeConfig
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
local presign = ____presign.presign
local ____util = require("s3.util")
local argError = ____util.argError
local ____listing = require("s3.listing")
local list = ____listing.list
local objects = ____listing.objects
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
function ____self(c, method)
    if type(c) ~= "table" or getmetatable(c) ~= ____exports.Client.prototype then
        return argError(((("use client:" .. method) .. "(...) instead of client.") .. method) .. "(...)")
    end
    return c
end
____exports.Client = __TS__Class()
local Client = ____exports.Client
Client.name = "Client"
function Client.prototype.____constructor(self, cfg, existing)
    self._cfg = cfg
    self._native = existing or native.client_new(nativeConfig(cfg))
end
function Client.wrap(existing, cfg)
    return __TS__New(____exports.Client, cfg, existing)
end
function Client.prototype.get_to_file(self, bucket, key, path, opts)
    return getToFile(
        ____self(self, "get_to_file"),
        "client:get_to_file",
        bucket,
        key,
        path,
        opts
    )
end
function Client.prototype.put_from_file(self, bucket, key, path, opts)
    return putFromFile(
        ____self(self, "put_from_file"),
        "client:put_from_file",
        bucket,
        key,
        path,
        opts
    )
end
function Client.prototype.get(self, bucket, key, opts)
    return getObject(
        ____self(self, "get"),
        "client:get",
        bucket,
        key,
        opts
    )
end
function Client.prototype.put(self, bucket, key, body, opts)
    return putObject(
        ____self(self, "put"),
        "client:put",
        bucket,
        key,
        body,
        opts
    )
end
function Client.prototype.head(self, bucket, key, opts)
    return headObject(
        ____self(self, "head"),
        "client:head",
        bucket,
        key,
        opts
    )
end
function Client.prototype.delete(self, bucket, key, opts)
    return deleteObject(
        ____self(self, "delete"),
        "client:delete",
        bucket,
        key,
        opts
    )
end
function Client.prototype.create_bucket(self, bucket, opts)
    return createBucket(
        ____self(self, "create_bucket"),
        "client:create_bucket",
        bucket,
        opts
    )
end
function Client.prototype.delete_bucket(self, bucket, opts)
    return deleteBucket(
        ____self(self, "delete_bucket"),
        "client:delete_bucket",
        bucket,
        opts
    )
end
function Client.prototype.delete_many(self, bucket, keys, opts)
    return deleteMany(
        ____self(self, "delete_many"),
        "client:delete_many",
        bucket,
        keys,
        opts
    )
end
function Client.prototype.list(self, bucket, opts)
    return list(
        ____self(self, "list"),
        "client:list",
        bucket,
        opts
    )
end
function Client.prototype.objects(self, bucket, opts)
    return objects(
        ____self(self, "objects"),
        "client:objects",
        bucket,
        opts
    )
end
function Client.prototype.copy(self, srcBucket, srcKey, bucket, key, opts)
    return copyObject(
        ____self(self, "copy"),
        "client:copy",
        srcBucket,
        srcKey,
        bucket,
        key,
        opts
    )
end
function Client.prototype.list_buckets(self, opts)
    return listBuckets(
        ____self(self, "list_buckets"),
        "client:list_buckets",
        opts
    )
end
function Client.prototype.head_bucket(self, bucket, opts)
    return headBucket(
        ____self(self, "head_bucket"),
        "client:head_bucket",
        bucket,
        opts
    )
end
function Client.prototype.list_multipart_uploads(self, bucket, prefix, opts)
    return listMultipartUploads(
        ____self(self, "list_multipart_uploads"),
        "client:list_multipart_uploads",
        bucket,
        prefix,
        opts
    )
end
function Client.prototype.abort_multipart_upload(self, bucket, key, uploadId, opts)
    return abortMultipartUpload(
        ____self(self, "abort_multipart_upload"),
        "client:abort_multipart_upload",
        bucket,
        key,
        uploadId,
        opts
    )
end
function Client.prototype.presign(self, method, bucket, key, opts)
    return presign(
        ____self(self, "presign"),
        "client:presign",
        method,
        bucket,
        key,
        opts
    )
end
function Client.prototype.stats(self)
    return ____self(self, "stats")._native:stats()
end
return ____exports
