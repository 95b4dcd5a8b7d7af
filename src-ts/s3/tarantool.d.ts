// Small declarations of the Tarantool 2.6 built-in modules this rock uses.
// Only what we call is declared; checked against tarantool 2.6.0 by running it.


declare module "fiber" {
    export interface Fiber {
        id(): number;
        /** Raises when the fiber is dead already. */
        cancel(): void;
        status(): "running" | "suspended" | "dead";
    }
    export interface Cond {
        /** Returns false on timeout; raises when the waiting fiber is cancelled. */
        wait(timeout?: number): boolean;
        signal(): void;
        broadcast(): void;
    }
    /** A fiber that starts at the next yield (fiber.new; `new` is a TS keyword). */
    /** @customName new */
    export function create_later(this: void, fn: (this: void, ...args: any[]) => void, ...args: any[]): Fiber;
    export function create(this: void, fn: (this: void, ...args: any[]) => void, ...args: unknown[]): Fiber;
    export function cond(this: void): Cond;
    /** Yields the calling fiber for `seconds`; raises if the fiber is cancelled. */
    export function sleep(this: void, seconds: number): void;
    export function self(this: void): Fiber;
    /** Raises if the calling fiber is cancelled. */
    export function testcancel(this: void): void;
    export function time(this: void): number;
}

declare module "fio" {
    /** A box.error object (cdata) in 2.6: tostring() gives "fio: <strerror>", .errno the errno. */
    export type FioError = unknown;
    export interface FioStat {
        size: number;
        mode: number;
        is_reg(): boolean;
        is_dir(): boolean;
        is_fifo(): boolean;
        is_chr(): boolean;
    }
    export interface FioHandle {
        /** The raw OS file descriptor (field `fh` of `struct fio_handle` in 2.6). */
        readonly fh: number;
        /** Returns true, or false plus an error. */
        close(): LuaMultiReturn<[boolean, FioError | undefined]>;
        stat(): LuaMultiReturn<[FioStat | undefined, FioError | undefined]>;
        fsync(): LuaMultiReturn<[boolean, FioError | undefined]>;
        seek(offset: number, whence: "SEEK_SET" | "SEEK_CUR" | "SEEK_END"): LuaMultiReturn<[number | undefined, FioError | undefined]>;
        truncate(size: number): LuaMultiReturn<[boolean, FioError | undefined]>;
        /** Up to size bytes ("" at the end); yields (coio). */
        read(size: number): LuaMultiReturn<[string | undefined, FioError | undefined]>;
    }
    export function open(
        this: void,
        path: string,
        flags: string[],
        mode?: number
    ): LuaMultiReturn<[FioHandle | undefined, FioError | undefined]>;
    export function rename(this: void, from: string, to: string): LuaMultiReturn<[boolean, FioError | undefined]>;
    export function unlink(this: void, path: string): LuaMultiReturn<[boolean, FioError | undefined]>;
    export function dirname(this: void, path: string): string;
    export function basename(this: void, path: string): string;
}

declare module "log" {
    export function error(this: void, fmt: string, ...args: unknown[]): void;
    export function warn(this: void, fmt: string, ...args: unknown[]): void;
    export function info(this: void, fmt: string, ...args: unknown[]): void;
    export function verbose(this: void, fmt: string, ...args: unknown[]): void;
    export function debug(this: void, fmt: string, ...args: unknown[]): void;
}

declare module "clock" {
    export function time(this: void): number;
    export function monotonic(this: void): number;
}

declare module "digest" {
    /** `n` random bytes from the OS. */
    export function urandom(this: void, n: number): string;
    /** Raw 16-byte MD5 of s. */
    export function md5(this: void, s: string): string;
    export function md5_hex(this: void, s: string): string;
    export function base64_encode(this: void, s: string, opts?: { nopad?: boolean; nowrap?: boolean; urlsafe?: boolean }): string;
    export function base64_decode(this: void, s: string): string;
}

declare module "tarantool" {
    export const version: string;
    /** The process id. */
    export function pid(this: void): number;
}
