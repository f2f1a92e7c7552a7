import { Type } from 'typebox';
import type { Owner } from '../../store/types.ts';

export const OwnerId = Type.String({ format: 'uuid' });
const Username = Type.String({ minLength: 1, maxLength: 256, pattern: '^\\S(.*\\S)?$', description: 'no leading or trailing spaces' });
// The bound on length: scrypt's cost grows with it. Eight characters at least, as FURROW_OWNER_PASSWORD.
const Password = Type.String({ minLength: 8, maxLength: 1024 });

export const OwnerJson = Type.Object(
  {
    id: OwnerId,
    username: Type.String(),
    admin: Type.Boolean({ description: 'may manage the other owners' }),
    disabled: Type.Boolean({ description: 'may not log in; its tokens are refused; its data stays' }),
    createdTime: Type.String({ format: 'date-time' }),
  },
  { description: 'An API owner: the account that authenticates and owns Leaf users, uploads, files and webhooks' },
);

export const NewOwner = Type.Object(
  { username: Username, password: Password, admin: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false, description: 'A new API owner; not an administrator unless `admin`' },
);

export const OwnerUpdate = Type.Object(
  { admin: Type.Optional(Type.Boolean()), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, description: 'Disabling revokes the owner’s tokens. The last enabled administrator cannot be disabled or demoted' },
);

export const PasswordChange = Type.Object(
  {
    password: Password,
    currentPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'required when an owner changes its own password' })),
  },
  { additionalProperties: false, description: 'Every token of the owner issued before the change stops working' },
);

export const OwnerParams = Type.Object({ id: OwnerId });

export function ownerJson(owner: Owner) {
  return { id: owner.id, username: owner.username, admin: owner.admin, disabled: owner.disabled, createdTime: owner.createdTime };
}
