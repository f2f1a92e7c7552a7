import { Type, type Static, type TOptional, type TSchema } from 'typebox';
import type { LeafUser } from '../../store/types.ts';

/** The `<provider>Credentials` keys of Leaf's user shape (leaf-api.md §12). */
export const CREDENTIAL_KEYS = [
  'trimbleCredentials',
  'cnhiCredentials',
  'johnDeereCredentials',
  'ravenCredentials',
  'climateFieldViewCredentials',
  'staraCredentials',
  'agLeaderCredentials',
  'ravenSlingshotCredentials',
  'lindsayCredentials',
  'valleyCredentials',
] as const;
type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Provider credentials are only kept and echoed: Furrow does not call providers. */
const Credentials = Nullable(Type.Object({ id: Type.Optional(Type.String()) }, { additionalProperties: true }));

const credentialProperties = Object.fromEntries(CREDENTIAL_KEYS.map((key) => [key, Type.Optional(Credentials)])) as Record<CredentialKey, TOptional<typeof Credentials>>;

const editable = {
  name: Type.Optional(Nullable(Type.String())),
  email: Type.Optional(Nullable(Type.String())),
  phone: Type.Optional(Nullable(Type.String())),
  address: Type.Optional(Nullable(Type.String())),
  externalId: Type.Optional(Nullable(Type.String())),
  ...credentialProperties,
};

export const UserId = Type.String({ format: 'uuid' });
export const NewUser = Type.Object(editable, { description: 'A Leaf user (grower); `id` is assigned by the server' });
export const UserUpdate = Type.Object({ id: UserId, ...editable }, { description: 'Full replacement: omitted fields and credentials are cleared' });
export const User = Type.Object({ id: UserId, ...editable });
export const UserListQuery = { email: Type.Optional(Type.String()), name: Type.Optional(Type.String()), externalId: Type.Optional(Type.String()) };

export type NewUserBody = Static<typeof NewUser>;
export type UserJson = Static<typeof User>;

export function credentialsOf(body: NewUserBody): Record<string, unknown> {
  const credentials: Record<string, unknown> = {};
  for (const key of CREDENTIAL_KEYS) if (body[key]) credentials[key] = body[key];
  return credentials;
}

export function userJson(user: LeafUser): UserJson {
  const json: UserJson = { id: user.id, name: user.name, email: user.email, phone: user.phone, address: user.address, externalId: user.externalId };
  // Leaf lists every credential key, null when the user has none.
  for (const key of CREDENTIAL_KEYS) json[key] = (user.credentials[key] as UserJson[CredentialKey]) ?? null;
  return json;
}
