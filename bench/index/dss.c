/*
 * Suffix array of a file's bytes with libdivsufsort, single thread.
 * Usage: dss INPUT [OUTPUT_SA] [REPEATS]
 * Prints "divsufsort bytes=N best_ms=T" (best of REPEATS runs); writes the SA as u32
 * little-endian to OUTPUT_SA when given (and not "-").
 */
#include <divsufsort.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s INPUT [OUTPUT_SA] [REPEATS]\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in) { perror(argv[1]); return 1; }
  fseek(in, 0, SEEK_END);
  long n = ftell(in);
  fseek(in, 0, SEEK_SET);
  unsigned char *text = malloc(n > 0 ? n : 1);
  if (fread(text, 1, n, in) != (size_t) n) { perror("read"); return 1; }
  fclose(in);
  saidx_t *sa = malloc(sizeof(saidx_t) * (n > 0 ? n : 1));
  int repeats = argc > 3 ? atoi(argv[3]) : 1;
  double best = -1;
  for (int r = 0; r < repeats; r++) {
    double t0 = now_ms();
    if (divsufsort(text, sa, (saidx_t) n) != 0) { fprintf(stderr, "divsufsort failed\n"); return 1; }
    double t = now_ms() - t0;
    if (best < 0 || t < best) best = t;
  }
  printf("divsufsort bytes=%ld best_ms=%.1f\n", n, best);
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
