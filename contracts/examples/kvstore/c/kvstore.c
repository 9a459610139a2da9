/*
 * kvstore: a key-value store in C on the raw host ABI (no msgpack: arguments and results are plain bytes).
 *   init(): the deployer becomes the owner (input ignored).
 *   put(len: u8, key[len], value...): stores value under key (1 to 255 bytes); emits "Put" with the key;
 *     a new key adds one to the count.
 *   get(key...) -> value; reverts "not found" when the key is absent.
 *   remove(key...) -> one byte, 1 if the key existed; the owner only.
 *   count() -> u64 little-endian: how many keys are stored.
 *   owner() -> the owner's 32-byte address.
 */
#include "gasket.h"

#define MAX_INPUT 65536
#define PREFIX_LEN 3

static u8 input[MAX_INPUT];
/* "kv/" then the key: storage keys of entries. */
static u8 storage_key[PREFIX_LEN + 255];
static u8 address[32];
static u8 owner_address[32];

static const char OWNER_KEY[] = "owner";
static const char COUNT_KEY[] = "count";

static u32 read_input(void) {
  i32 size = gasket_input_size();
  if (size > MAX_INPUT) gasket_panic("input too large");
  gasket_input_read(input);
  return (u32)size;
}

static u32 entry_key(const u8 *key, u32 len) {
  if (len == 0 || len > 255) gasket_panic("keys are 1 to 255 bytes");
  storage_key[0] = 'k';
  storage_key[1] = 'v';
  storage_key[2] = '/';
  gasket_copy(storage_key + PREFIX_LEN, key, len);
  return PREFIX_LEN + len;
}

static u64 load_count(void) {
  u8 bytes[8];
  if (gasket_storage_read(COUNT_KEY, sizeof COUNT_KEY - 1) != 8) return 0;
  gasket_result_read(bytes);
  u64 value = 0;
  for (int i = 7; i >= 0; i--) value = (value << 8) | bytes[i];
  return value;
}

static void store_count(u64 value) {
  u8 bytes[8];
  for (int i = 0; i < 8; i++) bytes[i] = (u8)(value >> (8 * i));
  gasket_storage_write(COUNT_KEY, sizeof COUNT_KEY - 1, bytes, 8);
}

GASKET_EXPORT("init") void init(void) {
  gasket_caller(address);
  gasket_storage_write(OWNER_KEY, sizeof OWNER_KEY - 1, address, 32);
}

GASKET_EXPORT("put") void put(void) {
  u32 size = read_input();
  if (size < 1 || size < 1u + input[0]) gasket_panic("put: expected a key length, the key and the value");
  u32 key_len = input[0];
  u32 storage_len = entry_key(input + 1, key_len);
  if (gasket_storage_read(storage_key, storage_len) < 0) store_count(load_count() + 1);
  gasket_storage_write(storage_key, storage_len, input + 1 + key_len, size - 1 - key_len);
  gasket_emit("Put", 3, input + 1, key_len);
}

GASKET_EXPORT("get") void get(void) {
  u32 size = read_input();
  u32 storage_len = entry_key(input, size);
  i32 value_len = gasket_storage_read(storage_key, storage_len);
  if (value_len < 0) gasket_panic("not found");
  if (value_len > MAX_INPUT) gasket_panic("value too large");
  gasket_result_read(input);
  gasket_return_data(input, (u32)value_len);
}

GASKET_EXPORT("remove") void remove(void) {
  u32 size = read_input();
  gasket_caller(address);
  if (gasket_storage_read(OWNER_KEY, sizeof OWNER_KEY - 1) != 32) gasket_panic("no owner");
  gasket_result_read(owner_address);
  if (!gasket_equal(address, owner_address, 32)) gasket_panic("only the owner may remove");
  u32 storage_len = entry_key(input, size);
  u8 existed = (u8)gasket_storage_remove(storage_key, storage_len);
  if (existed) store_count(load_count() - 1);
  gasket_return_data(&existed, 1);
}

GASKET_EXPORT("count") void count(void) {
  u8 bytes[8];
  u64 value = load_count();
  for (int i = 0; i < 8; i++) bytes[i] = (u8)(value >> (8 * i));
  gasket_return_data(bytes, 8);
}

GASKET_EXPORT("owner") void owner(void) {
  if (gasket_storage_read(OWNER_KEY, sizeof OWNER_KEY - 1) != 32) gasket_panic("no owner");
  gasket_result_read(owner_address);
  gasket_return_data(owner_address, 32);
}
