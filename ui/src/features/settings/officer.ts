// The officer's profile: who assesses (it fills the assessor of a new assessment) and the
// regions they are assigned to. Kept as JSON in the setting "officer".
import { getSettings } from "$lib/api";
import type { MessageKey } from "$lib/i18n/index.svelte";

export const OFFICER_SETTING = "officer";

export type OfficerProfile = {
  name: string;
  title: string;
  unit: string;
  phone: string;
  email: string;
  /** Region codes, in the order the officer added them. */
  regions: string[];
};

export type OfficerField = "name" | "email";

export function emptyOfficer(): OfficerProfile {
  return { name: "", title: "", unit: "", phone: "", email: "", regions: [] };
}

/** The stored profile; `null` when there is none or it is not a profile this app wrote. */
export function parseOfficer(stored: string | undefined): OfficerProfile | null {
  if (!stored) return null;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const text = (key: keyof OfficerProfile) => (typeof record[key] === "string" ? (record[key] as string) : "");
  const regions = Array.isArray(record.regions) ? record.regions.filter((r): r is string => typeof r === "string") : [];
  return { name: text("name"), title: text("title"), unit: text("unit"), phone: text("phone"), email: text("email"), regions };
}

/** The profile as stored: fields trimmed, each region once. */
export function officerJSON(profile: OfficerProfile): string {
  return JSON.stringify({
    name: profile.name.trim(),
    title: profile.title.trim(),
    unit: profile.unit.trim(),
    phone: profile.phone.trim(),
    email: profile.email.trim(),
    regions: [...new Set(profile.regions)],
  } satisfies OfficerProfile);
}

/** Only the name is required; an email, when given, needs a name and a domain. */
export function validateOfficer(profile: OfficerProfile): Partial<Record<OfficerField, MessageKey>> {
  const errors: Partial<Record<OfficerField, MessageKey>> = {};
  if (!profile.name.trim()) errors.name = "officer.error.name_required";
  const email = profile.email.trim();
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = "officer.error.email";
  return errors;
}

/** The stored profile, or `null` when there is none or the settings cannot be read. */
export async function loadOfficer(): Promise<OfficerProfile | null> {
  try {
    return parseOfficer((await getSettings())[OFFICER_SETTING]);
  } catch {
    return null;
  }
}
