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

/** A non-empty string argument, e.g. bucket or key. */
export function checkName(fn: string, what: string, v: unknown): string {
    if (typeof v !== "string") {
        return argError(`${fn}: ${what} must be a string`);
    }
    if (v === "") {
        return argError(`${fn}: ${what} must not be empty`);
    }
    return v;
}

/** Type names: Lua's own, plus "integer" and "number" (finite) and "nonnegative" (finite number >= 0). */
export function hasType(v: unknown, want: string): boolean {
    if (want === "integer") return isInteger(v);
    if (want === "number") return isFiniteNumber(v);
    if (want === "nonnegative") return isFiniteNumber(v) && v >= 0;
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

/**
 * A table of name -> string (numbers are converted) for headers and metadata.
 * Names are lower-cased, as HTTP header names are case-insensitive.
 */
export function checkStringMap(fn: string, what: string, v: unknown): LuaTable<string, string> {
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
        if (typeof val === "number") {
            out.set(string.lower(k), tostring(val));
        } else if (typeof val === "string") {
            out.set(string.lower(k), val);
        } else {
            return argError(`${fn}: ${what}.${k} must be a string`);
        }
    }
    return out;
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
