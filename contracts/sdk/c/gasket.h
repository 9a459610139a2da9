/*
 * Gasket host ABI, version 1, for C contracts (docs/host-abi.md): the functions of import module "gasket", and
 * small freestanding helpers. Build with clang --target=wasm32 -nostdlib -ffreestanding (no libc, no floats: the
 * metering gate refuses them). Export methods with GASKET_EXPORT("name"): functions of no parameters returning
 * nothing; an exported "init" runs once, at deploy.
 */
#ifndef GASKET_H
#define GASKET_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

#define GASKET_IMPORT(name) __attribute__((import_module("gasket"), import_name(name)))
#define GASKET_EXPORT(name) __attribute__((export_name(name)))

GASKET_IMPORT("input_size") i32 gasket_input_size(void);
GASKET_IMPORT("input_read") void gasket_input_read(void *dst);
GASKET_IMPORT("return_data") void gasket_return_data(const void *ptr, u32 len);
GASKET_IMPORT("revert") __attribute__((noreturn)) void gasket_revert(const void *msg, u32 len);
GASKET_IMPORT("result_size") i32 gasket_result_size(void);
GASKET_IMPORT("result_read") void gasket_result_read(void *dst);
GASKET_IMPORT("storage_read") i32 gasket_storage_read(const void *key, u32 key_len);
GASKET_IMPORT("storage_write") void gasket_storage_write(const void *key, u32 key_len, const void *val, u32 val_len);
GASKET_IMPORT("storage_remove") i32 gasket_storage_remove(const void *key, u32 key_len);
GASKET_IMPORT("caller") void gasket_caller(void *dst32);
GASKET_IMPORT("signer") void gasket_signer(void *dst32);
GASKET_IMPORT("self_address") void gasket_self_address(void *dst32);
GASKET_IMPORT("value_received") void gasket_value_received(void *dst16);
GASKET_IMPORT("balance") void gasket_balance(const void *addr32, void *dst16);
GASKET_IMPORT("transfer") i32 gasket_transfer(const void *addr32, const void *amount16);
GASKET_IMPORT("block_height") i64 gasket_block_height(void);
GASKET_IMPORT("block_timestamp") i64 gasket_block_timestamp(void);
GASKET_IMPORT("gas_left") i64 gasket_gas_left(void);
GASKET_IMPORT("emit") void gasket_emit(const void *topic, u32 topic_len, const void *data, u32 data_len);
GASKET_IMPORT("log") void gasket_log(const void *ptr, u32 len);
GASKET_IMPORT("call")
i32 gasket_call(const void *addr32, const void *method, u32 method_len, const void *args, u32 args_len,
                const void *value16, i64 gas);
GASKET_IMPORT("sha256") void gasket_sha256(const void *ptr, u32 len, void *dst32);
GASKET_IMPORT("keccak256") void gasket_keccak256(const void *ptr, u32 len, void *dst32);
GASKET_IMPORT("blake3") void gasket_blake3(const void *ptr, u32 len, void *dst32);
GASKET_IMPORT("ed25519_verify") i32 gasket_ed25519_verify(const void *sig64, const void *pk32, const void *msg, u32 len);

/* Length of a NUL-terminated string (for literal messages and topics). */
static inline u32 gasket_strlen(const char *s) {
  u32 n = 0;
  while (s[n]) n++;
  return n;
}

/* Reverts the call with a literal message. */
static inline __attribute__((noreturn)) void gasket_panic(const char *msg) { gasket_revert(msg, gasket_strlen(msg)); }

static inline void gasket_copy(void *dst, const void *src, u32 len) {
  u8 *d = (u8 *)dst;
  const u8 *s = (const u8 *)src;
  for (u32 i = 0; i < len; i++) d[i] = s[i];
}

static inline int gasket_equal(const void *a, const void *b, u32 len) {
  const u8 *x = (const u8 *)a;
  const u8 *y = (const u8 *)b;
  for (u32 i = 0; i < len; i++)
    if (x[i] != y[i]) return 0;
  return 1;
}

#endif
