export function Cashier() {
  return null;
}
