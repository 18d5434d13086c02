"""Use cases: open a unit of work, apply the rules, write state + outbox rows, commit.

One module per resource (auth, users, retreats, officials, registrations, invitations, events). Each returns plain
data (built inside its transaction) that the API answers as is."""
