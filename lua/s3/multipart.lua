--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local abortStrays, completedAs, xmlQuoteEtag, CLOCK_SLACK
local digest = require("digest")
local fiber = require("fiber")
local log = require("log")
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____request = require("s3.request")
local perform = ____request.perform
--- Seconds since the epoch of an S3 time stamp (2026-12-01T12:40:00.000Z is UTC).
function ____exports.epochOf(stamp)
    local y, mo, d, hh, mm, ss = string.match(stamp, "^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
    if ss == nil then
        return nil
    end
    local month = tonumber(mo)
    local year = tonumber(y) - (month <= 2 and 1 or 0)
    local era = math.floor(year / 400)
    local yearOfEra = year - era * 400
    local dayOfYear = math.floor((153 * ((month + 9) % 12) + 2) / 5) + tonumber(d) - 1
    local dayOfEra = yearOfEra * 365 + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100) + dayOfYear
    local days = era * 146097 + dayOfEra - 719468
    return days * 86400 + tonumber(hh) * 3600 + tonumber(mm) * 60 + tonumber(ss)
end
function abortStrays(client, b, k, since, keep)
    local query = {}
    query.uploads = ""
    query.prefix = k
    local resp, err = perform(client, {
        method = "GET",
        bucket = b,
        query = query,
        timeout = ____exports.CLEANUP_TIMEOUT,
        parse = "list_multipart_uploads"
    }, b, k)
    if resp == nil then
        log.warn(
            "s3: could not list the uploads of %s/%s to abort one a lost answer made: %s",
            b,
            k,
            tostring(err)
        )
        return
    end
    local serverSince = since + client._native:clock_offset() - CLOCK_SLACK
    for ____, u in ipairs(resp.parsed.uploads) do
        local ____temp_4
        if u.initiated ~= nil then
            ____temp_4 = ____exports.epochOf(u.initiated)
        else
            ____temp_4 = nil
        end
        local began = ____temp_4
        if u.key == k and u.upload_id ~= keep and began ~= nil and began >= serverSince then
            local abortErr = ____exports.abortUpload(
                client,
                b,
                k,
                u.upload_id,
                nil,
                ____exports.CLEANUP_TIMEOUT
            )
            if abortErr ~= nil and abortErr.code ~= "NoSuchUpload" then
                log.warn(
                    "s3: could not abort multipart upload %s of %s/%s: %s",
                    u.upload_id,
                    b,
                    k,
                    tostring(abortErr)
                )
            end
        end
    end
end
--- The ETag S3 gives the object completed from these parts: md5 of their MD5s, "-" N.
function ____exports.compositeEtag(parts)
    local md5s = {}
    for ____, p in ipairs(parts) do
        local hex = string.match(p.etag, "^\"?(%x+)\"?$")
        if hex == nil or #hex ~= 32 then
            return nil
        end
        md5s[#md5s + 1] = (string.gsub(
            hex,
            "%x%x",
            function(pair) return string.char(tonumber(pair, 16)) end
        ))
    end
    return (digest.md5_hex(table.concat(md5s, "")) .. "-") .. tostring(#parts)
end
function completedAs(client, b, k, parts, timeout)
    local want = ____exports.compositeEtag(parts)
    if want == nil then
        return nil
    end
    local resp = perform(client, {method = "HEAD", bucket = b, key = k, timeout = timeout}, b, k)
    local etag = resp and resp.headers.etag
    if etag == nil then
        return nil
    end
    local bare = string.gsub(
        string.lower(etag),
        "\"",
        ""
    )
    return bare == want and etag or nil
end
function xmlQuoteEtag(etag)
    local s = string.gsub((string.gsub(etag, "&", "&amp;")), "\"", "&quot;")
    return s
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
--- Seconds an abort (or a listing to find one) may take, whatever is left of the call's deadline.
____exports.CLEANUP_TIMEOUT = 60
CLOCK_SLACK = 15
--- CreateMultipartUpload. An attempt whose answer was lost (a reset, a time-out) may still have
-- made an upload that nobody knows the id of: once an attempt was repeated, or the call was
-- cancelled in it, the uploads of this very key begun since the call started are aborted, all but
-- the one returned. (A second writer of the same key that began its own upload in those seconds
-- would lose it: two writers of one key race anyway.)
function ____exports.createUpload(client, b, k, headers, timeout)
    local query = {}
    query.uploads = ""
    local startedAt = os.time()
    local repeated = false
    local resp, err = perform(
        client,
        {
            method = "POST",
            bucket = b,
            key = k,
            query = query,
            headers = headers,
            timeout = timeout,
            parse = "create_multipart_upload"
        },
        b,
        k,
        function()
            repeated = true
            return nil
        end
    )
    local ____opt_0 = resp and resp.parsed
    local id = ____opt_0 and ____opt_0.upload_id
    if err ~= nil and err.code == "Cancelled" then
        fiber.create(function() return abortStrays(
            client,
            b,
            k,
            startedAt,
            nil
        ) end)
    elseif repeated then
        abortStrays(
            client,
            b,
            k,
            startedAt,
            id
        )
    end
    if resp == nil then
        return nil, err
    end
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
    local repeated = false
    local resp, err = perform(
        client,
        req,
        b,
        k,
        function()
            repeated = true
            return nil
        end
    )
    if resp == nil then
        if repeated and (err.code == "NoSuchUpload" or err.code == "PreconditionFailed") then
            local etag = completedAs(
                client,
                b,
                k,
                parts,
                timeout
            )
            if etag ~= nil then
                return etag, nil
            end
        end
        return nil, err
    end
    local ____opt_5 = resp.parsed
    return ____opt_5 and ____opt_5.etag or "", nil
end
return ____exports
