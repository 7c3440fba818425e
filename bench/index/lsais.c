/*
 * Suffix array with libsais, for the side-by-side comparison of bench/index/run.sh. libsais is
 * not part of this repository: run.sh compiles this driver against a libsais source tree given
 * in LIBSAIS_SRC (github.com/IlyaGrebnov/libsais), with OpenMP for the multi-thread figures.
 * Usage: lsais INPUT [OUTPUT_SA|-] [REPEATS] [THREADS] [u32 ALPHABET]
 * Without "u32" INPUT is bytes (libsais); with it INPUT is u32 little-endian symbols in
 * [0, ALPHABET) (libsais_int). Prints "libsais n=N threads=T times_ms=... best_ms=B".
 */
#include <libsais.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_ms(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }
/* CPU time of the whole process (all threads): steadier than wall time on shared cores. */
static double cpu_ms(void) { return clock_ms(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s INPUT [OUTPUT_SA|-] [REPEATS] [THREADS] [u32 ALPHABET]\n", argv[0]);
    return 2;
  }
  int repeats = argc > 3 ? atoi(argv[3]) : 1;
  int threads = argc > 4 ? atoi(argv[4]) : 1;
  int u32 = argc > 6 && strcmp(argv[5], "u32") == 0;
  int32_t k = u32 ? atoi(argv[6]) : 256;
  FILE *in = fopen(argv[1], "rb");
  if (!in) { perror(argv[1]); return 1; }
  fseek(in, 0, SEEK_END);
  long bytes = ftell(in);
  fseek(in, 0, SEEK_SET);
  unsigned char *raw = malloc(bytes > 0 ? bytes : 1);
  if (fread(raw, 1, bytes, in) != (size_t) bytes) { perror("read"); return 1; }
  fclose(in);
  long n = u32 ? bytes / 4 : bytes;
  int32_t *text = NULL;
  if (u32) {
    text = malloc(sizeof(int32_t) * (n > 0 ? n : 1));
    for (long i = 0; i < n; i++) {
      const unsigned char *b = raw + 4 * i;
      text[i] = (int32_t) (b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t) b[3] << 24));
    }
  }
  /* 6k extra slots, as libsais recommends for integer alphabets. */
  long fs = u32 ? 6L * k : 0;
  int32_t *sa = malloc(sizeof(int32_t) * (n + fs > 0 ? n + fs : 1));
  double best = -1, best_cpu = -1;
  printf("libsais n=%ld threads=%d times_ms=", n, threads);
  for (int r = 0; r < repeats; r++) {
    double t0 = now_ms(), c0 = cpu_ms();
    int32_t rc;
#if defined(LIBSAIS_OPENMP)
    rc = u32 ? libsais_int_omp(text, sa, (int32_t) n, k, (int32_t) fs, threads)
             : libsais_omp(raw, sa, (int32_t) n, 0, NULL, threads);
#else
    if (threads != 1) { fprintf(stderr, "built without OpenMP\n"); return 2; }
    rc = u32 ? libsais_int(text, sa, (int32_t) n, k, (int32_t) fs)
             : libsais(raw, sa, (int32_t) n, 0, NULL);
#endif
    double t = now_ms() - t0, c = cpu_ms() - c0;
    if (rc != 0) { fprintf(stderr, "libsais failed: %d\n", rc); return 1; }
    printf("%s%.1f", r ? "," : "", t);
    if (best < 0 || t < best) best = t;
    if (best_cpu < 0 || c < best_cpu) best_cpu = c;
  }
  printf(" best_cpu_ms=%.1f best_ms=%.1f\n", best_cpu, best);
  if (argc > 2 && strcmp(argv[2], "-") != 0) {
    FILE *out = fopen(argv[2], "wb");
    if (!out) { perror(argv[2]); return 1; }
    for (long i = 0; i < n; i++) {
      uint32_t v = (uint32_t) sa[i];
      unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff};
      fwrite(b, 1, 4, out);
    }
    fclose(out);
  }
  return 0;
}
