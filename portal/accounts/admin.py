"""Nothing of accounts is in the Django admin, on purpose.

Accounts are created by the system administrator, roles given by the security administrator and
registrations decided by county officials, each through ``accounts.services`` (audited, 三员分立).
Editing users in the admin would let the system administrator give roles (or superuser rights) and
would bypass the audit trail. Registrations are business data, which the system administrator does
not see.
"""
