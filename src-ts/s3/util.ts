// Argument checking and small helpers shared by the modules of the rock.

import * as digest from "digest";
import * as tarantool from "tarantool";

// The directory of this rock's Lua files, as debug.getinfo reports sources ("@/path/to/s3/").
const OUR_SOURCE_PREFIX: string = (() => {
    const src = debug.getinfo(1, "S")?.source ?? "";
    const [prefix] = string.match(src, "^(.*[/\\])");
    return prefix ?? src;
})();

/**
 * Raises `msg` at the first stack level outside this rock, so that the position in
 * the message is the caller's line, like Tarantool's own modules do.
 */
export function argError(msg: string): never {
    let level = 2;
    for (;;) {
        const info = debug.getinfo(level, "S");
        if (info === undefined) {
            level = 0;
            break;
        }
        const src = info.source ?? "";
        if (string.sub(src, 1, OUR_SOURCE_PREFIX.length) !== OUR_SOURCE_PREFIX) {
            break;
        }
        level = level + 1;
    }
    // error() counts levels from its caller (this function is level 1); not a tail call,
    // so that this frame is still there when it counts.
    error(msg, level);
}

export function isInteger(v: unknown): v is number {
    return typeof v === "number" && v === v && math.floor(v) === v && v !== math.huge && v !== -math.huge;
}

export function isFiniteNumber(v: unknown): v is number {
    return typeof v === "number" && v === v && v !== math.huge && v !== -math.huge;
}

// Lua pattern sets of control bytes, built from their codes so that the generated Lua holds no
// raw control bytes (and not %c, whose meaning depends on the locale).
const C1 = string.char(1);
const C31 = string.char(31);
const C127 = string.char(127);
/** Any control byte: 0-31 and 127. */
export const CONTROL_BYTE = `[%z${C1}-${C31}${C127}]`;
/** What quote() escapes. */
const UNPRINTABLE = `[%z${C1}-${C31}${C127}\\']`;

/**
 * `v` for an error message: quoted, bytes that would not print (NUL, line breaks...) as Lua
 * escapes (`'a\0x'`), long values cut to their first 60 bytes.
 */
export function quote(v: string): string {
    const cut = v.length > 64;
    const [escaped] = string.gsub(cut ? string.sub(v, 1, 60) : v, UNPRINTABLE, escapeByte);
    return cut ? `'${escaped}'... (${v.length} bytes)` : `'${escaped}'`;
}

function escapeByte(this: void, c: string): string {
    if (c === "\\" || c === "'") {
        return `\\${c}`;
    }
    return `\\${string.byte(c)}`;
}

/** A non-empty string argument without NUL bytes (C would cut it there), e.g. a path. */
export function checkName(fn: string, what: string, v: unknown): string {
    if (typeof v !== "string") {
        return argError(`${fn}: ${what} must be a string`);
    }
    if (v === "") {
        return argError(`${fn}: ${what} must not be empty`);
    }
    if (string.find(v, "\0", 1, true)[0] !== undefined) {
        return argError(`${fn}: ${what} must not contain a NUL byte, got ${quote(v)}`);
    }
    return v;
}

/** S3 keys are 1 to 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

export function checkKey(fn: string, v: unknown): string {
    const k = checkName(fn, "key", v);
    if (k.length > MAX_KEY_BYTES) {
        return argError(`${fn}: key must be 1-${MAX_KEY_BYTES} bytes, got ${k.length} bytes`);
    }
    return k;
}

/** What is wrong with `b` as a bucket name by S3's rules for new buckets, or nil when nothing. */
function strictBucketProblem(b: string): string | undefined {
    if (b.length < 3 || b.length > 63 || string.find(b, "[^a-z0-9.%-]")[0] !== undefined) {
        return "must be 3-63 characters of a-z 0-9 . -";
    }
    if (string.find(b, "^[a-z0-9].*[a-z0-9]$")[0] === undefined) {
        return "must start and end with a letter or a digit";
    }
    if (string.find(b, "[.%-]%.")[0] !== undefined || string.find(b, "%.%-")[0] !== undefined) {
        return "must not contain '..', '.-' or '-.'";
    }
    if (string.find(b, "^%d+%.%d+%.%d+%.%d+$")[0] !== undefined) {
        return "must not be formatted as an IP address";
    }
    return undefined;
}

/** The same for legacy_bucket_names = true: what old us-east-1 buckets and other stores allow. */
function legacyBucketProblem(b: string): string | undefined {
    if (b.length > 255 || string.find(b, "[^A-Za-z0-9._%-]")[0] !== undefined) {
        return "must be 1-255 characters of A-Z a-z 0-9 . _ - (legacy_bucket_names)";
    }
    if (b === "." || b === "..") {
        return "must not be '.' or '..'";
    }
    return undefined;
}

/**
 * A bucket name. By default S3's rules for bucket names (3-63 characters of a-z 0-9 . -,
 * starting and ending with a letter or a digit, no '..', '.-' or '-.', not an IP address);
 * with `legacy` (legacy_bucket_names = true) also up to 255 of A-Z a-z 0-9 . _ -, but then
 * only with path-style addressing: a host name is case-insensitive and has no '_'.
 */
export function checkBucket(fn: string, v: unknown, legacy: boolean, virtual: boolean): string {
    const b = checkName(fn, "bucket", v);
    const problem = strictBucketProblem(b);
    if (problem === undefined) {
        return b;
    }
    const legacyProblem = legacyBucketProblem(b);
    if (!legacy) {
        const hint = legacyProblem === undefined
            ? " (for an existing bucket named so, set legacy_bucket_names = true)" : "";
        return argError(`${fn}: bucket ${problem}, got ${quote(b)}${hint}`);
    }
    if (legacyProblem !== undefined) {
        return argError(`${fn}: bucket ${legacyProblem}, got ${quote(b)}`);
    }
    if (virtual) {
        return argError(`${fn}: bucket ${quote(b)} cannot be used with virtual-hosted addressing, ` +
            `which puts it in the host name (where it ${problem}): use addressing = 'path'`);
    }
    return b;
}

/** Type names: Lua's own, plus "integer" and "number" (finite) and "nonnegative" (finite number >= 0). */
export function hasType(v: unknown, want: string): boolean {
    if (want === "integer") return isInteger(v);
    if (want === "number") return isFiniteNumber(v);
    if (want === "nonnegative") return isFiniteNumber(v) && v >= 0;
    if (want === "any") return true; // checked where it is used
    return type(v) === want;
}

export function typeName(want: string): string {
    if (want === "integer") return "an integer";
    if (want === "nonnegative") return "a non-negative number";
    return `a ${want}`;
}

/** `opts` is nil or a table whose keys are all in `allowed` (name -> Lua type name). */
export function checkOpts(fn: string, opts: unknown, allowed: LuaTable<string, string>): LuaTable<string, unknown> {
    if (opts === undefined) {
        return new LuaTable<string, unknown>();
    }
    if (type(opts) !== "table") {
        return argError(`${fn}: opts must be a table`);
    }
    const t = opts as LuaTable<AnyNotNil, unknown>;
    for (const [k, v] of pairs(t)) {
        const want = typeof k === "string" ? allowed.get(k) : undefined;
        if (want === undefined) {
            return argError(`${fn}: unknown option '${tostring(k)}'`);
        }
        if (!hasType(v, want)) {
            return argError(`${fn}: opts.${k as string} must be ${typeName(want)}`);
        }
    }
    return t as unknown as LuaTable<string, unknown>;
}

/** Headers the native side sets itself; a caller's copy would break the signature or the framing. */
const RESERVED_HEADERS = new LuaTable<string, boolean>();
for (const name of [
    "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
    "content-length", "transfer-encoding", "expect", "connection",
]) {
    RESERVED_HEADERS.set(name, true);
}

/**
 * What is wrong with `v` as an HTTP header value, or nil. No control bytes: CR and LF would end the
 * header, NUL would cut it in C, and even a tab (which HTTP allows) is signed differently by
 * different servers (Ceph RGW answers SignatureDoesNotMatch).
 */
function headerValueProblem(v: string): string | undefined {
    const [at] = string.find(v, CONTROL_BYTE);
    if (at === undefined) {
        return undefined;
    }
    const c = string.byte(v, at);
    if (c === 0) return "must not contain a NUL byte";
    if (c === 10 || c === 13) return "must not contain a line break (CR or LF)";
    return `must not contain control characters (byte ${c}${c === 9 ? ", a tab" : ""})`;
}

/** A string option sent as a header value (content_type, range): raises like checkStringMap. */
export function checkHeaderValue(fn: string, what: string, v: string): string {
    const problem = headerValueProblem(v);
    if (problem !== undefined) {
        return argError(`${fn}: ${what} ${problem}, got ${quote(v)}`);
    }
    return v;
}

/**
 * A table of name -> string (numbers are converted) for headers (`meta` false) and metadata
 * (`meta` true, sent as x-amz-meta-<name>). Names must be HTTP tokens and are lower-cased, as
 * HTTP header names are case-insensitive; values must not contain NUL, CR, LF or other control
 * bytes. Headers the client sets itself (host, authorization...) are refused.
 */
export function checkStringMap(fn: string, what: string, v: unknown, meta: boolean): LuaTable<string, string> {
    const out = new LuaTable<string, string>();
    if (v === undefined) {
        return out;
    }
    if (type(v) !== "table") {
        return argError(`${fn}: ${what} must be a table`);
    }
    for (const [k, val] of pairs(v as LuaTable<AnyNotNil, unknown>)) {
        if (typeof k !== "string" || k === "") {
            return argError(`${fn}: ${what} keys must be non-empty strings`);
        }
        if (string.find(k, "[^A-Za-z0-9!#$%%&'*+.^_`|~%-]")[0] !== undefined) {
            if (string.find(k, "\0", 1, true)[0] !== undefined) {
                return argError(`${fn}: ${what} name ${quote(k)} must not contain a NUL byte`);
            }
            return argError(`${fn}: ${what} name ${quote(k)} must be an HTTP token ` +
                "(letters, digits and !#$%&'*+-.^_`|~)");
        }
        const name = string.lower(k);
        if (!meta && RESERVED_HEADERS.get(name) === true) {
            return argError(`${fn}: ${what}.${k} cannot be given: the client sets it itself`);
        }
        let s: string;
        if (typeof val === "number") {
            s = tostring(val);
        } else if (typeof val === "string") {
            s = val;
        } else {
            return argError(`${fn}: ${what}.${k} must be a string`);
        }
        const problem = headerValueProblem(s);
        if (problem !== undefined) {
            return argError(`${fn}: ${what}.${k} ${problem}, got ${quote(s)}`);
        }
        out.set(name, s);
    }
    return out;
}

/** fio's errors are box.error objects whose text starts with "fio: ". */
export function osError(e: unknown): string {
    const s = e === undefined ? "unknown error" : tostring(e);
    return string.sub(s, 1, 5) === "fio: " ? string.sub(s, 6) : s;
}

/** `n` random bytes as lower-case hex. */
export function randomHex(n: number): string {
    const bytes = digest.urandom(n);
    const out: string[] = [];
    for (let i = 1; i <= bytes.length; i++) {
        out.push(string.format("%02x", string.byte(bytes, i)));
    }
    return out.join("");
}

/** A uniformly random number in [0, 1), from the OS (math.random is seeded identically in every process). */
export function randomFraction(): number {
    const b = digest.urandom(4);
    const [b1, b2, b3, b4] = string.byte(b, 1, 4);
    return (((b1 * 256 + b2) * 256 + b3) * 256 + b4) / 4294967296;
}

let cachedPid: number | undefined;

/** The process id (for temporary file names), 0 if unknown. */
export function getpid(): number {
    if (cachedPid === undefined) {
        const [ok, pid] = pcall(() => tarantool.pid());
        cachedPid = ok && typeof pid === "number" ? pid : 0;
    }
    return cachedPid;
}

const XML_ESCAPES = new LuaTable<string, string>();
XML_ESCAPES.set("&", "&amp;");
XML_ESCAPES.set("<", "&lt;");
XML_ESCAPES.set(">", "&gt;");
XML_ESCAPES.set('"', "&quot;");
XML_ESCAPES.set("'", "&apos;");

/** Text for an XML element: the five special characters as entities. */
export function xmlEscape(s: string): string {
    const [escaped] = string.gsub(s, "[&<>\"']", XML_ESCAPES as unknown as Record<string, string>);
    return escaped;
}

/** A key the way S3 wants it in x-amz-copy-source: each byte but A-Za-z0-9-._~ and '/' as %XX. */
export function uriEncodeKey(s: string): string {
    const [encoded] = string.gsub(s, "[^A-Za-z0-9%-%._~/]", percentByte);
    return encoded;
}

function percentByte(this: void, c: string): string {
    return string.format("%%%02X", string.byte(c));
}
