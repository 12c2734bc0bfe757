// Minimal typings for the parts of jStat (npm `jstat`, CommonJS, no bundled types) that the
// stats boundary bench uses as an anchor.
declare module 'jstat' {
  const jstat: {
    jStat: {
      normal: {
        cdf(x: number, mean: number, sd: number): number;
        inv(p: number, mean: number, sd: number): number;
      };
    };
  };
  export default jstat;
}
