"""The element orders of libstdc++'s `std::priority_queue` and `std::sort`, for comparators that leave
ties open.

`tf.image.combined_non_max_suppression` picks boxes from a priority queue ordered by score alone and
then sorts its picks by score with `std::sort`; among equal scores, which box comes first is whatever
those two algorithms do on Linux builds. Replaying them step by step is the only way to give the same
boxes in the same order when scores tie (common with quantised detector outputs).
"""


def _sift_up(heap, hole, top, value, less):
    parent = (hole - 1) // 2
    while hole > top and less(heap[parent], value):
        heap[hole] = heap[parent]
        hole = parent
        parent = (hole - 1) // 2
    heap[hole] = value


def _adjust(heap, hole, length, value, less):
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(heap[child], heap[child - 1]):
            child -= 1
        heap[hole] = heap[child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        heap[hole] = heap[child - 1]
        hole = child - 1
    _sift_up(heap, hole, top, value, less)


def heap_push(heap, value, less):
    heap.append(value)
    _sift_up(heap, len(heap) - 1, 0, value, less)


def heap_pop(heap, less):
    """Removes and returns the top (the greatest under `less`)."""
    top = heap[0]
    if len(heap) > 1:
        last = heap[-1]
        heap[-1] = top
        _adjust(heap, 0, len(heap) - 1, last, less)
    heap.pop()
    return top


def _insertion(items, start, stop, less, guarded=True):
    for i in range(start + 1 if guarded else start, stop):
        value = items[i]
        if guarded and less(value, items[start]):
            items[start + 1:i + 1] = items[start:i]
            items[start] = value
            continue
        j = i
        while less(value, items[j - 1]):
            items[j] = items[j - 1]
            j -= 1
        items[j] = value


def _median_to_first(items, result, a, b, c, less):
    def swap(i, j):
        items[i], items[j] = items[j], items[i]
    if less(items[a], items[b]):
        if less(items[b], items[c]):
            swap(result, b)
        elif less(items[a], items[c]):
            swap(result, c)
        else:
            swap(result, a)
    elif less(items[a], items[c]):
        swap(result, a)
    elif less(items[b], items[c]):
        swap(result, c)
    else:
        swap(result, b)


def _partition(items, first, last, pivot, less):
    while True:
        while less(items[first], items[pivot]):
            first += 1
        last -= 1
        while less(items[pivot], items[last]):
            last -= 1
        if not first < last:
            return first
        items[first], items[last] = items[last], items[first]
        first += 1


def _heap_sort(items, first, last, less):
    heap = items[first:last]
    length = len(heap)
    for parent in range((length - 2) // 2, -1, -1):
        _adjust(heap, parent, length, heap[parent], less)
    for end in range(length - 1, 0, -1):
        value = heap[end]
        heap[end] = heap[0]
        _adjust(heap, 0, end, value, less)
    items[first:last] = heap


def _introsort(items, first, last, depth, less):
    while last - first > 16:
        if depth == 0:
            _heap_sort(items, first, last, less)
            return
        depth -= 1
        middle = first + (last - first) // 2
        _median_to_first(items, first, first + 1, middle, last - 1, less)
        cut = _partition(items, first + 1, last, first, less)
        _introsort(items, cut, last, depth, less)
        last = cut


def stl_sort(items, less):
    """Sorts the list in place as libstdc++'s `std::sort` would."""
    n = len(items)
    if n < 2:
        return items
    _introsort(items, 0, n, 2 * (n.bit_length() - 1), less)
    if n > 16:
        _insertion(items, 0, 16, less)
        _insertion(items, 16, n, less, guarded=False)
    else:
        _insertion(items, 0, n, less)
    return items
