/* replay_main.c — runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer.
 *
 *     fuzz_<name>_replay DIR_OR_FILE...
 *
 * Every regular file of every directory (in name order, so a failure is reproducible) and every file named is fed
 * to the target once. This is how the checked-in corpus and the regression inputs (crashes found by fuzzing) are
 * replayed by ctest in every preset, with gcc as well as with the sanitizers. A broken promise aborts the process;
 * an unreadable argument fails the run. Prints how many inputs were replayed.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_support.h"

/* Feed one file to the target; returns 0 on success, -1 if the file cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t capacity = 4096, size = 0;
    uint8_t *data = malloc(capacity);
    for (;;) {
        if (!data) {
            fclose(f);
            fprintf(stderr, "%s: out of memory\n", path);
            return -1;
        }
        size += fread(data + size, 1, capacity - size, f);
        if (size < capacity)
            break;
        uint8_t *grown = realloc(data, capacity * 2);
        if (!grown)
            free(data);
        data = grown;
        capacity *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: read error\n", path);
        free(data);
        return -1;
    }
    /* libFuzzer hands the target a buffer of exactly `size` bytes; so do we (ASan sees reads past it) */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Replay every regular file of `dir`; adds the number replayed to *count. */
static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, capacity = 0;
    int status = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == capacity) {
            capacity = capacity ? 2 * capacity : 64;
            char **grown = realloc(names, capacity * sizeof *names);
            if (!grown) {
                status = -1;
                break;
            }
            names = grown;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            status = -1;
            break;
        }
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (status == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(names[i]) != 0)
                status = -1;
            else
                ++*count;
        }
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            /* a target without regression inputs yet has no regressions folder: nothing to replay */
            fprintf(stderr, "replay: %s does not exist, skipped\n", argv[i]);
            continue;
        }
        if (S_ISDIR(st.st_mode))
            status |= replay_dir(argv[i], &count);
        else if (replay_file(argv[i]) == 0)
            count++;
        else
            status = -1;
    }
    if (count == 0) {
        fprintf(stderr, "replay: no input found (a seed corpus must not be empty)\n");
        return 1;
    }
    printf("[fuzz-replay] %s: %zu inputs replayed, every promise held\n", argc > 0 ? argv[0] : "replay", count);
    return status == 0 ? 0 : 1;
}
