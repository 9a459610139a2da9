/**
 * Contracts written in the WebAssembly text format against the host ABI, for vm/ tests that need exact control of
 * what a contract does (memory, globals, storage, cross-contract calls, traps). Assemble with `wat()`.
 * @module
 */

export const HOST_IMPORTS_WAT = `
  (import "gasket" "storage_read" (func $sread (param i32 i32) (result i32)))
  (import "gasket" "storage_write" (func $swrite (param i32 i32 i32 i32)))
  (import "gasket" "result_read" (func $rread (param i32)))
  (import "gasket" "return_data" (func $ret (param i32 i32)))
  (import "gasket" "revert" (func $revert (param i32 i32)))
  (import "gasket" "emit" (func $emit (param i32 i32 i32 i32)))
  (import "gasket" "log" (func $log (param i32 i32)))
  (import "gasket" "input_size" (func $isize (result i32)))
  (import "gasket" "input_read" (func $iread (param i32)))
  (import "gasket" "call" (func $call (param i32 i32 i32 i32 i32 i32 i64) (result i32)))
  (import "gasket" "caller" (func $caller (param i32)))
  (import "gasket" "transfer" (func $transfer (param i32 i32) (result i32)))
  (import "gasket" "block_height" (func $height (result i64)))
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))`;

/** A counter: storage key "count" holds an i64; memory 64..72 is scratch. */
export const COUNTER_WAT = `(module ${HOST_IMPORTS_WAT}
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 0) "count") (data (i32.const 16) "too big") (data (i32.const 32) "inc") (data (i32.const 40) "hello")
  ;; AssemblyScript string "oops" (UTF-16LE, byte length 8 in the u32 before it) and file "c.ts"
  (data (i32.const 124) "\\08\\00\\00\\00o\\00o\\00p\\00s\\00") (data (i32.const 140) "\\08\\00\\00\\00c\\00.\\00t\\00s\\00")
  (func $load
    (if (i32.eq (call $sread (i32.const 0) (i32.const 5)) (i32.const 8)) (then (call $rread (i32.const 64)))))
  (func (export "init") (i64.store (i32.const 64) (i64.const 100)) (call $swrite (i32.const 0) (i32.const 5) (i32.const 64) (i32.const 8)))
  (func (export "increment")
    (call $load)
    (i64.store (i32.const 64) (i64.add (i64.load (i32.const 64)) (i64.const 1)))
    (call $swrite (i32.const 0) (i32.const 5) (i32.const 64) (i32.const 8))
    (call $emit (i32.const 32) (i32.const 3) (i32.const 64) (i32.const 8))
    (call $log (i32.const 40) (i32.const 5))
    (call $ret (i32.const 64) (i32.const 8)))
  (func (export "get") (call $load) (call $ret (i32.const 64) (i32.const 8)))
  (func (export "incrementThenRevert")
    (call $load) (i64.store (i32.const 64) (i64.add (i64.load (i32.const 64)) (i64.const 1)))
    (call $swrite (i32.const 0) (i32.const 5) (i32.const 64) (i32.const 8))
    (call $revert (i32.const 16) (i32.const 7)))
  (func (export "abort") (call $abort (i32.const 128) (i32.const 144) (i32.const 3) (i32.const 9)))
  (func (export "spin") (loop $l (br $l)))
  (func (export "badPointer") (call $swrite (i32.const 0) (i32.const 5) (i32.const 65530) (i32.const 100)))
  (func (export "fresh") ;; must see a fresh instance every call: global and memory start at their initial values
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 200) (i32.add (i32.load (i32.const 200)) (i32.const 1)))
    (i32.store (i32.const 204) (global.get $calls))
    (call $ret (i32.const 200) (i32.const 8)))
  (func (export "height") (i64.store (i32.const 64) (call $height)) (call $ret (i32.const 64) (i32.const 8)))
  (func (export "pay") ;; sends 5 to the 32-byte address in the input
    (call $iread (i32.const 300)) (i64.store (i32.const 340) (i64.const 5))
    (if (call $transfer (i32.const 300) (i32.const 340)) (then (call $revert (i32.const 16) (i32.const 7)))))
)`;

/** Calls the method named in its input (address 32 bytes, then the method name) on another contract. */
export const PROXY_WAT = `(module ${HOST_IMPORTS_WAT}
  (memory (export "memory") 1)
  (func (export "forward") (local $n i32) (local $status i32)
    (local.set $n (call $isize)) (call $iread (i32.const 0))
    (local.set $status (call $call (i32.const 0) (i32.const 32) (i32.sub (local.get $n) (i32.const 32)) (i32.const 0) (i32.const 0) (i32.const 512) (i64.const 0)))
    (i32.store (i32.const 600) (local.get $status))
    (call $ret (i32.const 600) (i32.const 4))))`;

/** A one-value store: init and set store their input under key "v", get returns it, echo returns its input, fail reverts. */
export const STORE_WAT = `(module
  (import "gasket" "storage_read" (func $sread (param i32 i32) (result i32)))
  (import "gasket" "storage_write" (func $swrite (param i32 i32 i32 i32)))
  (import "gasket" "result_read" (func $rread (param i32)))
  (import "gasket" "return_data" (func $ret (param i32 i32)))
  (import "gasket" "revert" (func $revert (param i32 i32)))
  (import "gasket" "input_size" (func $isize (result i32)))
  (import "gasket" "input_read" (func $iread (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "v") (data (i32.const 8) "nope")
  (func $store (local $n i32) (local.set $n (call $isize)) (call $iread (i32.const 1024))
    (call $swrite (i32.const 0) (i32.const 1) (i32.const 1024) (local.get $n)))
  (func (export "init") (call $store))
  (func (export "set") (call $store))
  (func (export "get") (local $n i32) (local.set $n (call $sread (i32.const 0) (i32.const 1)))
    (if (i32.ge_s (local.get $n) (i32.const 0)) (then (call $rread (i32.const 1024)) (call $ret (i32.const 1024) (local.get $n)))))
  (func (export "echo") (local $n i32) (local.set $n (call $isize)) (call $iread (i32.const 1024))
    (call $ret (i32.const 1024) (local.get $n)))
  (func (export "fail") (call $revert (i32.const 8) (i32.const 4))))`;
