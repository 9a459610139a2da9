// NFT registry: unique u64 token ids with an owner and a URI.
//   init(): the deployer is the minter.
//   mint(to, id: u64, uri: string) (minter only; an id is minted once); burn(id) (its owner).
//   transfer(to, id) by the owner or the approved account; approve(spender, id) by the owner (clears on transfer).
//   ownerOf(id) -> address; tokenURI(id) -> string; getApproved(id) -> address|nil; balanceOf(owner) -> u64;
//   totalMinted() -> u64; tokenByIndex(i) -> u64 (every id ever minted, in order).
// Event "Transfer" {from, to, id} (zero address for mint and burn).
import {
  Address,
  Args,
  caller,
  Encoder,
  emit,
  panic,
  require,
  returnEncoded,
  returnValue,
  Storage,
  StorageMap,
  StorageVec,
} from "../../../sdk/assembly";

const MINTER = "minter";

function owners(): StorageMap<u64, Address> {
  return new StorageMap<u64, Address>("owner");
}

function uris(): StorageMap<u64, string> {
  return new StorageMap<u64, string>("uri");
}

function approvals(): StorageMap<u64, Address> {
  return new StorageMap<u64, Address>("approved");
}

function counts(): StorageMap<Address, u64> {
  return new StorageMap<Address, u64>("count");
}

function minted(): StorageVec<u64> {
  return new StorageVec<u64>("minted");
}

function ownerOfToken(id: u64): Address {
  const map = owners();
  if (!map.has(id)) panic("no token " + id.toString());
  return map.get(id, Address.zero());
}

function emitTransfer(from: Address, to: Address, id: u64): void {
  emit("Transfer", new Encoder().map(3).str("from").address(from).str("to").address(to).str("id").u64(id));
}

export function init(): void {
  new Args().done();
  Storage.set<Address>(MINTER, caller());
}

export function mint(): void {
  const args = new Args();
  const to = args.address();
  const id = args.u64();
  const uri = args.string();
  args.done();
  require(caller().equals(Storage.get<Address>(MINTER, Address.zero())), "only the minter may mint");
  const map = owners();
  if (map.has(id)) panic("token " + id.toString() + " already exists");
  map.set(id, to);
  uris().set(id, uri);
  const c = counts();
  c.set(to, c.get(to, 0) + 1);
  minted().push(id);
  emitTransfer(Address.zero(), to, id);
}

export function transfer(): void {
  const args = new Args();
  const to = args.address();
  const id = args.u64();
  args.done();
  const from = ownerOfToken(id);
  const sender = caller();
  const approved = approvals();
  const allowed = sender.equals(from) || (approved.has(id) && sender.equals(approved.get(id, Address.zero())));
  require(allowed, "not the owner or approved for token " + id.toString());
  approved.remove(id);
  owners().set(id, to);
  const c = counts();
  c.set(from, c.get(from, 0) - 1);
  c.set(to, c.get(to, 0) + 1);
  emitTransfer(from, to, id);
}

export function approve(): void {
  const args = new Args();
  const spender = args.address();
  const id = args.u64();
  args.done();
  require(caller().equals(ownerOfToken(id)), "only the owner may approve");
  approvals().set(id, spender);
}

export function burn(): void {
  const args = new Args();
  const id = args.u64();
  args.done();
  const holder = ownerOfToken(id);
  require(caller().equals(holder), "only the owner may burn");
  owners().remove(id);
  uris().remove(id);
  approvals().remove(id);
  const c = counts();
  c.set(holder, c.get(holder, 0) - 1);
  emitTransfer(holder, Address.zero(), id);
}

export function ownerOf(): void {
  const args = new Args();
  const id = args.u64();
  args.done();
  returnValue<Address>(ownerOfToken(id));
}

export function tokenURI(): void {
  const args = new Args();
  const id = args.u64();
  args.done();
  ownerOfToken(id);
  returnValue<string>(uris().get(id, ""));
}

export function getApproved(): void {
  const args = new Args();
  const id = args.u64();
  args.done();
  ownerOfToken(id);
  const approved = approvals();
  if (approved.has(id)) returnValue<Address>(approved.get(id, Address.zero()));
  else returnEncoded(new Encoder().nil());
}

export function balanceOf(): void {
  const args = new Args();
  const holder = args.address();
  args.done();
  returnValue<u64>(counts().get(holder, 0));
}

export function totalMinted(): void {
  new Args().done();
  returnValue<u64>(<u64>minted().length);
}

export function tokenByIndex(): void {
  const args = new Args();
  const index = args.u32();
  args.done();
  returnValue<u64>(minted().get(index));
}
