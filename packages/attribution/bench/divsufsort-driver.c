/*
 * Reference for the span-build benchmark: suffix array of a file's bytes with libdivsufsort.
 * Prints one JSON line: {"n":..,"cpu_seconds":..,"seconds":..,"max_rss_kb":..,"rss_before_kb":..,"checksum":..}.
 * Build: cc -O2 -o driver divsufsort-driver.c -ldivsufsort
 */
#include <divsufsort.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * 4;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) return perror("open"), 1;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  sauchar_t *text = malloc(n);
  if (!text || fread(text, 1, n, f) != (size_t)n) return perror("read"), 1;
  fclose(f);
  long before = rss_kb();
  saidx_t *sa = malloc(sizeof(saidx_t) * n);
  if (!sa) return perror("malloc"), 1;
  struct timespec t0, t1;
  clock_t c0 = clock();
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (divsufsort(text, sa, (saidx_t)n) != 0) return fprintf(stderr, "divsufsort failed\n"), 1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  /* A checksum over the output keeps the work observable and lets runs be compared. */
  unsigned long long sum = 0;
  for (long i = 0; i < n; i++) sum = sum * 31 + (unsigned long long)sa[i];
  printf("{\"n\":%ld,\"cpu_seconds\":%.6f,\"seconds\":%.6f,\"max_rss_kb\":%ld,\"rss_before_kb\":%ld,\"checksum\":\"%llx\"}\n", n, cpu,
         (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss, before, sum);
  free(sa);
  free(text);
  return 0;
}
