// The regions screen's state: the search, the lazily loaded tree, the selected region and the
// producers in its subtree. It outlives the screen (the app keeps one), so going to a producer
// and back finds the tree as the officer left it.
import { getRegion, listProducers, regionChildren, searchRegions } from "$lib/api";
import type { AppError, Producer, Region } from "$lib/bindings";
import { DebouncedSearch } from "$lib/debounced.svelte";
import { toAppError } from "$lib/errors";
import { remember, remembered } from "$lib/nav.svelte";
import { rememberRegions } from "$lib/regions.svelte";
import { SvelteMap, SvelteSet } from "svelte/reactivity";

const STORAGE_KEY = "ovop-field.region";

/** The key of the provinces (the tree's top level) in `children`. */
export const ROOT = "";

export class RegionsState {
  search = new DebouncedSearch<Region>(async (query) => {
    const found = await searchRegions(query, 50);
    rememberRegions(found);
    return found;
  });

  /** Children by parent code (`ROOT` for the provinces), once loaded. */
  children = new SvelteMap<string, Region[]>();
  expanded = new SvelteSet<string>();
  loadingNodes = new SvelteSet<string>();
  treeErrors = new SvelteMap<string, AppError>();

  selected = $state.raw<Region | null>(null);
  producers = $state.raw<Producer[] | null>(null);
  producersLoading = $state(false);
  producersError = $state.raw<AppError | null>(null);

  #request = 0;

  /** Loads the provinces, and the region selected last time (if any) with its producers. */
  async start(initialCode: string | null = remembered(STORAGE_KEY)): Promise<void> {
    const tasks: Promise<unknown>[] = [];
    if (!this.children.has(ROOT)) tasks.push(this.loadChildren(ROOT));
    if (initialCode && !this.selected) {
      tasks.push(
        getRegion(initialCode)
          .then((region) => this.select(region, { reveal: true }))
          .catch(() => remember(STORAGE_KEY, null)),
      );
    } else if (this.selected) {
      tasks.push(this.loadProducers());
    }
    await Promise.all(tasks);
  }

  async loadChildren(code: string): Promise<void> {
    if (this.loadingNodes.has(code)) return;
    this.loadingNodes.add(code);
    this.treeErrors.delete(code);
    try {
      const list = await regionChildren(code === ROOT ? null : code);
      rememberRegions(list);
      this.children.set(code, list);
    } catch (error) {
      this.treeErrors.set(code, toAppError(error));
    } finally {
      this.loadingNodes.delete(code);
    }
  }

  async expand(code: string): Promise<void> {
    this.expanded.add(code);
    if (!this.children.has(code)) await this.loadChildren(code);
  }

  collapse(code: string): void {
    this.expanded.delete(code);
  }

  toggle(code: string): Promise<void> | void {
    return this.expanded.has(code) ? this.collapse(code) : this.expand(code);
  }

  /**
   * Makes `region` the selected one and loads the producers in its subtree. With `reveal`, the
   * tree opens every ancestor so the region shows in it (after a pick from the search).
   */
  async select(region: Region, options: { reveal?: boolean } = {}): Promise<void> {
    this.selected = region;
    remember(STORAGE_KEY, region.code);
    const tasks: Promise<unknown>[] = [this.loadProducers()];
    if (options.reveal) tasks.push(this.reveal(region));
    await Promise.all(tasks);
  }

  /** Opens the tree down to `region`: its ancestors, found through their parents. */
  async reveal(region: Region): Promise<void> {
    const chain: string[] = [];
    let parent = region.parent;
    try {
      while (parent) {
        chain.unshift(parent);
        parent = (await getRegion(parent)).parent;
      }
    } catch {
      // A missing ancestor only means the tree cannot show the way; the selection stands.
      return;
    }
    await Promise.all(chain.map((code) => this.expand(code)));
  }

  async loadProducers(): Promise<void> {
    const region = this.selected;
    if (!region) return;
    const request = ++this.#request;
    this.producersLoading = true;
    this.producersError = null;
    try {
      const list = await listProducers(region.code);
      if (request !== this.#request) return;
      this.producers = list;
    } catch (error) {
      if (request !== this.#request) return;
      this.producers = null;
      this.producersError = toAppError(error);
    } finally {
      if (request === this.#request) this.producersLoading = false;
    }
  }
}
