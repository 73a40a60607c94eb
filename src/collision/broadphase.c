/* Sweep and prune (see broadphase.h). Two passes over the sorted order: count, then fill an exact array. */
#include "collision/broadphase.h"

#include <assert.h>

static int pass_filter(const broadphase_proxy *p, uint32_t a, uint32_t b, broadphase_filter filter, void *context)
{
    if (!(p[a].group & p[b].mask) || !(p[b].group & p[a].mask))
        return 0;
    return filter ? filter(context, a < b ? a : b, a < b ? b : a) : 1;
}

static int overlap_yz(const collision_aabb *x, const collision_aabb *y, int ax1, int ax2)
{
    return v3_get(x->lo, ax1) <= v3_get(y->hi, ax1) && v3_get(y->lo, ax1) <= v3_get(x->hi, ax1) &&
           v3_get(x->lo, ax2) <= v3_get(y->hi, ax2) && v3_get(y->lo, ax2) <= v3_get(x->hi, ax2);
}

/* Shell sort of `order` by key (small n, no recursion, deterministic: ties keep index order via the key pair). */
static void sort_by_key(uint32_t *order, const double *key, uint32_t n)
{
    static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (int g = 0; g < 8; g++) {
        uint32_t gap = gaps[g];
        for (uint32_t i = gap; i < n; i++) {
            uint32_t v = order[i];
            uint32_t j = i;
            while (j >= gap && (key[order[j - gap]] > key[v] || (key[order[j - gap]] == key[v] && order[j - gap] > v))) {
                order[j] = order[j - gap];
                j -= gap;
            }
            order[j] = v;
        }
    }
}

/* Pairs by (a, b): the sweep visits them in an order that depends on world coordinates (the sweep axis, the sorted
 * bounds); the proxies' own order does not, so a rotated or translated scene gets its contacts in the same order. */
static void sort_pairs(broadphase_pair *pairs, uint32_t n)
{
    static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (int g = 0; g < 8; g++) {
        uint32_t gap = gaps[g];
        for (uint32_t i = gap; i < n; i++) {
            broadphase_pair v = pairs[i];
            uint64_t kv = ((uint64_t)v.a << 32) | v.b;
            uint32_t j = i;
            while (j >= gap && (((uint64_t)pairs[j - gap].a << 32) | pairs[j - gap].b) > kv) {
                pairs[j] = pairs[j - gap];
                j -= gap;
            }
            pairs[j] = v;
        }
    }
}

/* Visit (or count, when out == NULL) every kept pair; returns the count. */
static uint32_t sweep(const broadphase_proxy *p, const uint32_t *order, uint32_t nb, const uint32_t *unb,
                      uint32_t nu, int axis, broadphase_filter filter, void *context, broadphase_pair *out)
{
    int ax1 = (axis + 1) % 3, ax2 = (axis + 2) % 3;
    uint32_t n = 0;
    for (uint32_t i = 0; i < nb; i++) {
        uint32_t a = order[i];
        double hi = v3_get(p[a].box.hi, axis);
        for (uint32_t j = i + 1; j < nb; j++) {
            uint32_t b = order[j];
            if (v3_get(p[b].box.lo, axis) > hi)
                break;
            if (!overlap_yz(&p[a].box, &p[b].box, ax1, ax2) || !pass_filter(p, a, b, filter, context))
                continue;
            if (out) {
                out[n].a = a < b ? a : b;
                out[n].b = a < b ? b : a;
            }
            n++;
        }
        for (uint32_t k = 0; k < nu; k++) {
            uint32_t u = unb[k];
            if (!pass_filter(p, a, u, filter, context))
                continue;
            if (out) {
                out[n].a = a < u ? a : u;
                out[n].b = a < u ? u : a;
            }
            n++;
        }
    }
    return n;
}

wr_status broadphase_find_pairs(wr_frame_allocator *frame, const broadphase_proxy *proxies, uint32_t count,
                                broadphase_filter filter, void *context, broadphase_pair **pairs,
                                uint32_t *pair_count)
{
    assert(frame && pairs && pair_count && (proxies || count == 0));
    *pairs = NULL;
    *pair_count = 0;
    if (count < 2)
        return WR_OK;
    size_t mark = wr_frame_allocator_mark(frame);
    void *mem = NULL;
    wr_status s = wr_frame_allocator_allocate(frame, (size_t)count * (2 * sizeof(uint32_t) + sizeof(double)), 0, &mem);
    if (s != WR_OK)
        return s;
    double *key = mem;
    uint32_t *order = (uint32_t *)(key + count);
    uint32_t *unb = order + count;
    uint32_t nb = 0, nu = 0;
    double sum[3] = {0, 0, 0}, sum2[3] = {0, 0, 0};
    for (uint32_t i = 0; i < count; i++) {
        if (proxies[i].unbounded) {
            unb[nu++] = i;
            continue;
        }
        order[nb++] = i;
        for (int k = 0; k < 3; k++) {
            double c = 0.5 * (v3_get(proxies[i].box.lo, k) + v3_get(proxies[i].box.hi, k));
            sum[k] += c;
            sum2[k] += c * c;
        }
    }
    int axis = 0;
    double best = -1;
    for (int k = 0; k < 3; k++) {
        double var = sum2[k] - (nb ? sum[k] * sum[k] / nb : 0);
        if (var > best) {
            best = var;
            axis = k;
        }
    }
    for (uint32_t i = 0; i < count; i++)
        key[i] = proxies[i].unbounded ? 0 : v3_get(proxies[i].box.lo, axis);
    sort_by_key(order, key, nb);
    uint32_t n = sweep(proxies, order, nb, unb, nu, axis, filter, context, NULL);
    if (n == 0)
        return WR_OK;
    void *out = NULL;
    s = wr_frame_allocator_allocate(frame, (size_t)n * sizeof(broadphase_pair), 0, &out);
    if (s != WR_OK) {
        wr_frame_allocator_rewind(frame, mark);
        return s;
    }
    uint32_t m = sweep(proxies, order, nb, unb, nu, axis, filter, context, out);
    assert(m == n);
    (void)m;
    sort_pairs(out, n);
    *pairs = out;
    *pair_count = n;
    return WR_OK;
}
