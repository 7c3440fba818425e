/*
 * Suffix array with libdivsufsort, single thread.
 * Usage: dss INPUT [OUTPUT_SA|-] [REPEATS] [u32]
 * Without "u32" INPUT is bytes. With it INPUT is u32 little-endian symbols below 2^24:
 * libdivsufsort sorts bytes only, so each symbol is written as 3 big-endian bytes (an order-
 * preserving fixed-width code), the suffix array of those 3n bytes is built and the suffixes
 * starting at multiples of 3 are kept, in order: the suffix array of the symbols. The timing
 * includes the encoding and the filtering.
 * Prints "divsufsort n=N times_ms=... best_ms=B"; writes the SA as u32 little-endian to
 * OUTPUT_SA when given (and not "-").
 */
#include <divsufsort.h>
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
    fprintf(stderr, "usage: %s INPUT [OUTPUT_SA|-] [REPEATS] [u32]\n", argv[0]);
    return 2;
  }
  int repeats = argc > 3 ? atoi(argv[3]) : 1;
  int u32 = argc > 4 && strcmp(argv[4], "u32") == 0;
  FILE *in = fopen(argv[1], "rb");
  if (!in) { perror(argv[1]); return 1; }
  fseek(in, 0, SEEK_END);
  long bytes = ftell(in);
  fseek(in, 0, SEEK_SET);
  unsigned char *raw = malloc(bytes > 0 ? bytes : 1);
  if (fread(raw, 1, bytes, in) != (size_t) bytes) { perror("read"); return 1; }
  fclose(in);
  long n = u32 ? bytes / 4 : bytes;
  long m = u32 ? 3 * n : n;
  unsigned char *text = u32 ? malloc(m > 0 ? m : 1) : raw;
  saidx_t *sa = malloc(sizeof(saidx_t) * (m > 0 ? m : 1));
  double best = -1, best_cpu = -1;
  printf("divsufsort n=%ld times_ms=", n);
  for (int r = 0; r < repeats; r++) {
    double t0 = now_ms(), c0 = cpu_ms();
    if (u32) {
      for (long i = 0; i < n; i++) {
        const unsigned char *b = raw + 4 * i;
        if (b[3] != 0) { fprintf(stderr, "symbol at %ld >= 2^24\n", i); return 1; }
        text[3 * i] = b[2];
        text[3 * i + 1] = b[1];
        text[3 * i + 2] = b[0];
      }
    }
    if (divsufsort(text, sa, (saidx_t) m) != 0) { fprintf(stderr, "divsufsort failed\n"); return 1; }
    if (u32) {
      long j = 0;
      for (long i = 0; i < m; i++) {
        if (sa[i] % 3 == 0) sa[j++] = sa[i] / 3;
      }
    }
    double t = now_ms() - t0, c = cpu_ms() - c0;
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
