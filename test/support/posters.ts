/** The synthetic posters and photos live with the benchmarks (they are built, tests are not). */
export * from '../../bench/synthetic-images.js';
