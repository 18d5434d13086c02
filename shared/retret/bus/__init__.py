"""The bus (DESIGN §3): transactional outbox + single relay on the producer side, inbox + gap detection +
replay on the consumer side. Services build one `Bus` and register its tasks with `register_bus_tasks`."""
from .bus import Bus, ConsumeResult  # noqa: F401
from .tables import BusTables, bus_tables  # noqa: F401
from .tasks import register_bus_tasks  # noqa: F401
