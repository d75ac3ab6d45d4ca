package io.testline.web.store;

/**
 * Equal-width bins from the smallest to the largest value: about √n of them, at least 5 and at most
 * {@link #MAX_BINS}; one bin when every value is the same.
 */
record Histogram(double lo, double width, long[] counts) {
  static final int MAX_BINS = 40;

  static Histogram of(double[] values, int n) {
    if (n == 0) {
      return new Histogram(0, 0, new long[0]);
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    if (!(hi > lo)) {
      return new Histogram(lo, 0, new long[] {n});
    }
    int bins = (int) Math.min(MAX_BINS, Math.max(5, Math.ceil(Math.sqrt(n))));
    double width = (hi - lo) / bins;
    long[] counts = new long[bins];
    for (int i = 0; i < n; i++) {
      // the largest value closes the last bin
      counts[Math.min(bins - 1, (int) ((values[i] - lo) / width))]++;
    }
    return new Histogram(lo, width, counts);
  }
}
