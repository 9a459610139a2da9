// Fungible token (ERC-20 style) with u128 amounts.
//   init(name: string, symbol: string, decimals: u8, supply: u128): the deployer is the owner and gets the supply.
//   name() symbol() decimals() totalSupply() owner() balanceOf(account) allowance(owner, spender): read-only.
//   transfer(to, amount) -> bool; approve(spender, amount) -> bool; transferFrom(from, to, amount) -> bool;
//   mint(to, amount) (owner only); burn(amount).
// Events: "Transfer" {from, to, amount} (from is the zero address for a mint, to for a burn) and
// "Approval" {owner, spender, amount}. Failures revert with a message and change nothing.
import {
  Address,
  Args,
  caller,
  Encoder,
  emit,
  panic,
  require,
  returnValue,
  Storage,
  StorageMap,
  U128,
} from "../../../sdk/assembly";

const NAME = "name";
const SYMBOL = "symbol";
const DECIMALS = "decimals";
const SUPPLY = "supply";
const OWNER = "owner";

// Storage objects are created inside functions: a top-level `new` would need a start function.
function balances(): StorageMap<Address, U128> {
  return new StorageMap<Address, U128>("bal");
}

function allowances(owner: Address): StorageMap<Address, U128> {
  return new StorageMap<Address, U128>("allow/" + owner.toHex());
}

function balanceOfAccount(account: Address): U128 {
  return balances().get(account, U128.zero());
}

function emitTransfer(from: Address, to: Address, amount: U128): void {
  emit("Transfer", new Encoder().map(3).str("from").address(from).str("to").address(to).str("amount").u128(amount));
}

function move(from: Address, to: Address, amount: U128): void {
  const map = balances();
  const fromBalance = map.get(from, U128.zero());
  const left = fromBalance.checkedSub(amount);
  if (left == null) {
    panic("insufficient balance");
    return;
  }
  map.set(from, left);
  map.set(to, map.get(to, U128.zero()).add(amount));
  emitTransfer(from, to, amount);
}

export function init(): void {
  const args = new Args();
  const name = args.string();
  const symbol = args.string();
  const decimals = args.get<u8>();
  const supply = args.u128();
  args.done();
  const owner = caller();
  Storage.set<string>(NAME, name);
  Storage.set<string>(SYMBOL, symbol);
  Storage.set<u8>(DECIMALS, decimals);
  Storage.set<Address>(OWNER, owner);
  Storage.set<U128>(SUPPLY, supply);
  balances().set(owner, supply);
  emitTransfer(Address.zero(), owner, supply);
}

export function name(): void {
  new Args().done();
  returnValue<string>(Storage.get<string>(NAME, ""));
}

export function symbol(): void {
  new Args().done();
  returnValue<string>(Storage.get<string>(SYMBOL, ""));
}

export function decimals(): void {
  new Args().done();
  returnValue<u8>(Storage.get<u8>(DECIMALS, 0));
}

export function totalSupply(): void {
  new Args().done();
  returnValue<U128>(Storage.get<U128>(SUPPLY, U128.zero()));
}

export function owner(): void {
  new Args().done();
  returnValue<Address>(Storage.get<Address>(OWNER, Address.zero()));
}

export function balanceOf(): void {
  const args = new Args();
  const account = args.address();
  args.done();
  returnValue<U128>(balanceOfAccount(account));
}

export function allowance(): void {
  const args = new Args();
  const holder = args.address();
  const spender = args.address();
  args.done();
  returnValue<U128>(allowances(holder).get(spender, U128.zero()));
}

export function transfer(): void {
  const args = new Args();
  const to = args.address();
  const amount = args.u128();
  args.done();
  move(caller(), to, amount);
  returnValue<bool>(true);
}

export function approve(): void {
  const args = new Args();
  const spender = args.address();
  const amount = args.u128();
  args.done();
  const holder = caller();
  allowances(holder).set(spender, amount);
  emit(
    "Approval",
    new Encoder().map(3).str("owner").address(holder).str("spender").address(spender).str("amount").u128(amount),
  );
  returnValue<bool>(true);
}

export function transferFrom(): void {
  const args = new Args();
  const from = args.address();
  const to = args.address();
  const amount = args.u128();
  args.done();
  const spender = caller();
  const map = allowances(from);
  const allowed = map.get(spender, U128.zero());
  const left = allowed.checkedSub(amount);
  if (left == null) {
    panic("insufficient allowance");
    return;
  }
  map.set(spender, left);
  move(from, to, amount);
  returnValue<bool>(true);
}

export function mint(): void {
  const args = new Args();
  const to = args.address();
  const amount = args.u128();
  args.done();
  require(caller().equals(Storage.get<Address>(OWNER, Address.zero())), "only the owner may mint");
  Storage.set<U128>(SUPPLY, Storage.get<U128>(SUPPLY, U128.zero()).add(amount));
  const map = balances();
  map.set(to, map.get(to, U128.zero()).add(amount));
  emitTransfer(Address.zero(), to, amount);
}

export function burn(): void {
  const args = new Args();
  const amount = args.u128();
  args.done();
  const holder = caller();
  const map = balances();
  const left = map.get(holder, U128.zero()).checkedSub(amount);
  if (left == null) {
    panic("insufficient balance");
    return;
  }
  map.set(holder, left);
  Storage.set<U128>(SUPPLY, Storage.get<U128>(SUPPLY, U128.zero()).sub(amount));
  emitTransfer(holder, Address.zero(), amount);
}
