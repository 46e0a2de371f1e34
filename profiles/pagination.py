from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts the matching rows up to `cap`, and one more to know there are more.

    Counting every match of a common word among 100,000 profiles reads each
    matching text again (a tenth of a second or more); the first thousand are
    enough to page through, and a narrower search finds the rest.
    """

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Unordered: the first rows found, not the first of every match sorted.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """More rows match than were counted."""
        return self.count > self.cap
