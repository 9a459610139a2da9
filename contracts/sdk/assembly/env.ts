// Host ABI v1, import module `gasket`: raw declarations. Pointers and lengths are i32 (usize on wasm32). Contracts
// normally use the typed wrappers of context.ts, storage.ts, call.ts, crypto.ts and io.ts instead.

// @ts-ignore: decorator
@external("gasket", "input_size") export declare function input_size(): i32;
// @ts-ignore: decorator
@external("gasket", "input_read") export declare function input_read(dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "return_data") export declare function return_data(ptr: usize, len: u32): void;
// @ts-ignore: decorator
@external("gasket", "revert") export declare function revert(msg_ptr: usize, msg_len: u32): void;
// @ts-ignore: decorator
@external("gasket", "result_size") export declare function result_size(): i32;
// @ts-ignore: decorator
@external("gasket", "result_read") export declare function result_read(dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "storage_read") export declare function storage_read(key_ptr: usize, key_len: u32): i32;
// @ts-ignore: decorator
@external("gasket", "storage_write")
export declare function storage_write(key_ptr: usize, key_len: u32, val_ptr: usize, val_len: u32): void;
// @ts-ignore: decorator
@external("gasket", "storage_remove") export declare function storage_remove(key_ptr: usize, key_len: u32): i32;
// @ts-ignore: decorator
@external("gasket", "caller") export declare function caller(dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "signer") export declare function signer(dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "self_address") export declare function self_address(dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "value_received") export declare function value_received(dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "balance") export declare function balance(addr_ptr: usize, dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "transfer") export declare function transfer(addr_ptr: usize, amount_ptr: usize): i32;
// @ts-ignore: decorator
@external("gasket", "block_height") export declare function block_height(): i64;
// @ts-ignore: decorator
@external("gasket", "block_timestamp") export declare function block_timestamp(): i64;
// @ts-ignore: decorator
@external("gasket", "gas_left") export declare function gas_left(): i64;
// @ts-ignore: decorator
@external("gasket", "emit")
export declare function emit(topic_ptr: usize, topic_len: u32, data_ptr: usize, data_len: u32): void;
// @ts-ignore: decorator
@external("gasket", "log") export declare function log(ptr: usize, len: u32): void;
// @ts-ignore: decorator
@external("gasket", "call")
export declare function call(
  addr_ptr: usize,
  method_ptr: usize,
  method_len: u32,
  args_ptr: usize,
  args_len: u32,
  value_ptr: usize,
  gas: i64,
): i32;
// @ts-ignore: decorator
@external("gasket", "sha256") export declare function sha256(ptr: usize, len: u32, dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "keccak256") export declare function keccak256(ptr: usize, len: u32, dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "blake3") export declare function blake3(ptr: usize, len: u32, dst: usize): void;
// @ts-ignore: decorator
@external("gasket", "ed25519_verify")
export declare function ed25519_verify(sig_ptr: usize, pk_ptr: usize, msg_ptr: usize, msg_len: u32): i32;
