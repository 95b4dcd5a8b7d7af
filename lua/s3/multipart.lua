--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local xmlQuoteEtag
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____request = require("s3.request")
local perform = ____request.perform
function xmlQuoteEtag(etag)
    local s = string.gsub((string.gsub(etag, "&", "&amp;")), "\"", "&quot;")
    return s
end
function ____exports.createUpload(client, b, k, headers, timeout)
    local query = {}
    query.uploads = ""
    local resp, err = perform(client, {
        method = "POST",
        bucket = b,
        key = k,
        query = query,
        headers = headers,
        timeout = timeout,
        parse = "create_multipart_upload"
    }, b, k)
    if resp == nil then
        return nil, err
    end
    local ____opt_0 = resp.parsed
    local id = ____opt_0 and ____opt_0.upload_id
    if id == nil or id == "" then
        return nil, newError(
            "InvalidResponse",
            "CreateMultipartUpload answered no UploadId",
            b,
            k,
            resp.status
        )
    end
    return id, nil
end
--- UploadPart of part partNumber with its Content-MD5: the part's ETag, or why there is none
-- (an answer without an ETag could not be completed, so it is an error here).
function ____exports.uploadPart(client, b, k, id, partNumber, part, contentMd5, progress, timeout)
    local query = {}
    query.partNumber = tostring(partNumber)
    query.uploadId = id
    local headers = {}
    headers["content-md5"] = contentMd5
    local resp, err = perform(client, {
        method = "PUT",
        bucket = b,
        key = k,
        query = query,
        headers = headers,
        body = part.body,
        body_fd = part.body_fd,
        body_buffer = part.body_buffer,
        body_offset = part.body_offset,
        body_size = part.body_size,
        progress = progress,
        timeout = timeout
    }, b, k)
    if resp == nil then
        return nil, err
    end
    local etag = resp.headers.etag
    if etag == nil or etag == "" then
        return nil, newError(
            "InvalidResponse",
            ("UploadPart of part " .. tostring(partNumber)) .. " answered no ETag",
            b,
            k,
            resp.status
        )
    end
    return etag, nil
end
--- The conditions of a write (if-match, if-none-match) belong on CompleteMultipartUpload, where S3
-- decides whether the object is written; CreateMultipartUpload gets the other headers.
function ____exports.splitConditions(headers)
    local rest = {}
    local conditions = {}
    for name, value in pairs(headers) do
        if name == "if-match" or name == "if-none-match" then
            conditions[name] = value
        else
            rest[name] = value
        end
    end
    return rest, conditions
end
function ____exports.completeUpload(client, b, k, id, parts, timeout, conditions)
    local body = {"<CompleteMultipartUpload>"}
    for ____, p in ipairs(parts) do
        body[#body + 1] = ((("<Part><PartNumber>" .. tostring(p.part_number)) .. "</PartNumber><ETag>") .. xmlQuoteEtag(p.etag)) .. "</ETag></Part>"
    end
    body[#body + 1] = "</CompleteMultipartUpload>"
    local query = {}
    query.uploadId = id
    local headers = {}
    if conditions ~= nil then
        for name, value in pairs(conditions) do
            headers[name] = value
        end
    end
    headers["content-type"] = "application/xml"
    local req = {
        method = "POST",
        bucket = b,
        key = k,
        query = query,
        headers = headers,
        body = table.concat(body, ""),
        timeout = timeout,
        parse = "complete_multipart_upload"
    }
    local resp, err = perform(client, req, b, k)
    if resp == nil then
        return nil, err
    end
    local ____opt_2 = resp.parsed
    return ____opt_2 and ____opt_2.etag or "", nil
end
function ____exports.abortUpload(client, b, k, id, headers, timeout)
    local query = {}
    query.uploadId = id
    local resp, err = perform(client, {
        method = "DELETE",
        bucket = b,
        key = k,
        query = query,
        headers = headers,
        timeout = timeout
    }, b, k)
    return resp == nil and err or nil
end
return ____exports
