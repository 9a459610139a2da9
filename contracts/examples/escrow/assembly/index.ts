// Escrow of fungible tokens (the token example) between a buyer and a seller, with an arbiter. Cross-contract
// calls: fund() pulls the amount from the buyer with token.transferFrom (the buyer approves the escrow first);
// release() pays the seller, refund() pays the buyer back, both with token.transfer. A failed token call reverts
// the escrow call with the token's message, so the escrow's state never runs ahead of the token's.
//   init(token, buyer, seller, arbiter, amount: u128)
//   fund() by the buyer; release() by the buyer or the arbiter; refund() by the seller or the arbiter.
//   status() -> "created" | "funded" | "released" | "refunded"; details() -> [token, buyer, seller, arbiter, amount]
import {
  Address,
  Args,
  caller,
  callOrPanic,
  Encoder,
  emit,
  panic,
  require,
  returnEncoded,
  returnValue,
  selfAddress,
  Storage,
  U128,
} from "../../../sdk/assembly";

const CREATED = "created";
const FUNDED = "funded";
const RELEASED = "released";
const REFUNDED = "refunded";

function party(key: string): Address {
  return Storage.get<Address>(key, Address.zero());
}

function amount(): U128 {
  return Storage.get<U128>("amount", U128.zero());
}

function status(): string {
  return Storage.get<string>("status", "");
}

function setStatus(next: string): void {
  Storage.set<string>("status", next);
  emit("Status", new Encoder().str(next));
}

function expectStatus(expected: string): void {
  const current = status();
  if (current != expected) panic("escrow is " + current + ", not " + expected);
}

export function init(): void {
  const args = new Args();
  const token = args.address();
  const buyer = args.address();
  const seller = args.address();
  const arbiter = args.address();
  const value = args.u128();
  args.done();
  require(!value.isZero(), "amount must be positive");
  Storage.set<Address>("token", token);
  Storage.set<Address>("buyer", buyer);
  Storage.set<Address>("seller", seller);
  Storage.set<Address>("arbiter", arbiter);
  Storage.set<U128>("amount", value);
  Storage.set<string>("status", CREATED);
}

export function fund(): void {
  new Args().done();
  expectStatus(CREATED);
  const buyer = party("buyer");
  require(caller().equals(buyer), "only the buyer may fund");
  callOrPanic(
    party("token"),
    "transferFrom",
    new Encoder().array(3).address(buyer).address(selfAddress()).u128(amount()),
  );
  setStatus(FUNDED);
}

function payOut(to: Address, next: string): void {
  callOrPanic(party("token"), "transfer", new Encoder().array(2).address(to).u128(amount()));
  setStatus(next);
}

export function release(): void {
  new Args().done();
  expectStatus(FUNDED);
  const who = caller();
  require(who.equals(party("buyer")) || who.equals(party("arbiter")), "only the buyer or the arbiter may release");
  payOut(party("seller"), RELEASED);
}

export function refund(): void {
  new Args().done();
  expectStatus(FUNDED);
  const who = caller();
  require(who.equals(party("seller")) || who.equals(party("arbiter")), "only the seller or the arbiter may refund");
  payOut(party("buyer"), REFUNDED);
}

export { state as status };
function state(): void {
  new Args().done();
  returnValue<string>(status());
}

export function details(): void {
  new Args().done();
  returnEncoded(
    new Encoder()
      .array(5)
      .address(party("token"))
      .address(party("buyer"))
      .address(party("seller"))
      .address(party("arbiter"))
      .u128(amount()),
  );
}
