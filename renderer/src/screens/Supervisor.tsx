export function Supervisor() {
  return null;
}
