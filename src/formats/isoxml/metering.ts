import { lineage } from './columns.ts';
import type { DeviceElement, Task, TaskData } from './taskdata.ts';

/*
 * Which device elements meter a product in a task. ISO 11783-10 ties a product to the element
 * that applies it through the task's product allocations (PAN E names the DET); a bin (DET type 3)
 * holds a product whether or not the task names it. An element that is neither, nor above or
 * below one (the AGCO card's "ServiceUtility" device logs 0x0002 with every value 0), meters
 * nothing, and its rates must not stand for the operation.
 */

/** DET type 3: a bin (tank, hopper) holds one product. */
const BIN = 3;

/** Ids of the elements the task allocates products to (PAN E). */
function allocatedElements(task: Task): Set<string> {
  return new Set(task.productAllocations.map((a) => a.deviceElementId).filter((id): id is string => id !== undefined));
}

/**
 * Whether the element meters a product: a product is allocated to it, to one of its parents or to
 * one of its children (a spreader's boom whose sections carry the allocation meters for them), or it
 * is a bin.
 */
export function metersProduct(data: TaskData, task: Task, element: DeviceElement): boolean {
  if (element.type === BIN) return true;
  const named = allocatedElements(task);
  if (lineage(element).some((e) => named.has(e.id))) return true;
  for (const id of named) {
    const allocated = data.deviceElements.get(id);
    if (allocated && lineage(allocated).includes(element)) return true;
  }
  return false;
}

/**
 * The element that owns what this element meters: the nearest of it and its parents that the task
 * allocates a product to, else the element itself when it is a bin (a bin without allocation still
 * holds a product of its own); undefined when neither.
 */
export function meteringOwner(task: Task, element: DeviceElement): DeviceElement | undefined {
  const named = allocatedElements(task);
  return lineage(element).find((e) => named.has(e.id)) ?? (element.type === BIN ? element : undefined);
}

/** Product ids the task allocates to exactly this element, sorted, joined: a key to tell owners' products apart. */
export function allocatedProducts(task: Task, element: DeviceElement): string {
  const ids = new Set(task.productAllocations.filter((a) => a.deviceElementId === element.id).map((a) => a.productId));
  return [...ids].sort().join('+');
}

/**
 * The top of the owner's own branch: its highest parent that is not also a parent of another
 * owner. For the AGCO card's bin DET-15 (boom DET-8, device DET-13) beside bin DET-16 (boom DET-9)
 * it is the boom DET-8: the boom's width, work state and sections go with the bin's product, the
 * device element above both booms with both.
 */
export function branchRoot(owner: DeviceElement, others: readonly DeviceElement[]): DeviceElement {
  let top = owner;
  for (const e of lineage(owner).slice(1)) {
    if (others.some((o) => o !== owner && lineage(o).includes(e))) break;
    top = e;
  }
  return top;
}

/** Whether `element` is `root` or below it. */
export function isWithin(element: DeviceElement, root: DeviceElement): boolean {
  return lineage(element).includes(root);
}
