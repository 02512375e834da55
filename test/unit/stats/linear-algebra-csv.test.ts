import { describe, expect, it } from "vitest";
import {
  SingularMatrixError,
  choleskyDecompose,
  luDecompose,
  matrixFromRows,
  matrixToRows,
  multiplyMatrices,
  solveLinearSystem,
  solveWithLu,
  transposeMatrix,
} from "../../../src/domain/stats/linear-algebra";
import { StatsInputError, csvToResponseMatrix, parseCsv } from "../../../src/domain/stats";

describe("dense linear algebra", () => {
  const spd = matrixFromRows([
    [4, 2, 0.6],
    [2, 5, 1],
    [0.6, 1, 3],
  ]);

  it("multiplies and transposes", () => {
    const a = matrixFromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(matrixToRows(multiplyMatrices(a, transposeMatrix(a)))).toEqual([
      [14, 32],
      [32, 77],
    ]);
  });

  it("factorizes a positive definite matrix so that L·Lᵀ = A", () => {
    const lower = choleskyDecompose(spd)!;
    const product = multiplyMatrices(lower, transposeMatrix(lower));
    product.data.forEach((value, k) => expect(value).toBeCloseTo(spd.data[k], 14));
  });

  it("solves with Cholesky, and with LU for an indefinite matrix", () => {
    const x = [1, -2, 0.5];
    const b = [0, 1, 2].map((r) => x.reduce((sum, xi, c) => sum + spd.data[r * 3 + c] * xi, 0));
    Array.from(solveLinearSystem(spd, b)).forEach((value, k) => expect(value).toBeCloseTo(x[k], 13));

    const indefinite = matrixFromRows([
      [0, 1],
      [1, 0],
    ]);
    expect(choleskyDecompose(indefinite)).toBeNull();
    expect(Array.from(solveLinearSystem(indefinite, [2, 3]))).toEqual([3, 2]);
    expect(Array.from(solveWithLu(luDecompose(indefinite), [5, 7]))).toEqual([7, 5]);
  });

  it("reports a singular system instead of returning garbage", () => {
    const singular = matrixFromRows([
      [1, 2],
      [2, 4],
    ]);
    expect(() => solveLinearSystem(singular, [1, 2])).toThrow(SingularMatrixError);
  });
});

describe("CSV reader", () => {
  it("handles quoted headers, doubled quotes, embedded delimiters, CRLF and a BOM", () => {
    const table = parseCsv('\uFEFF"a","b ""x""","c,d"\r\n1,"2",3\r\n\r\n4,5,"6"\n');
    expect(table.header).toEqual(["a", 'b "x"', "c,d"]);
    expect(table.rows).toEqual([
      ["1", "2", "3"],
      ["4", "5", "6"],
    ]);
  });

  it("rejects ragged rows and unterminated quotes", () => {
    expect(() => parseCsv("a,b\n1\n")).toThrow(/has 1 fields/);
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/never closed/);
  });

  it("converts chosen columns to numbers, with explicit missing-value markers only", () => {
    const table = parseCsv("x,y,label\n1,-99,a\n2,3,b\n");
    expect(csvToResponseMatrix(table, ["y", "x"], { missingTokens: ["-99"] }).rows).toEqual([
      [null, 1],
      [3, 2],
    ]);
    expect(() => csvToResponseMatrix(parseCsv("x\n1\n\n"), ["x"])).not.toThrow();
    expect(() => csvToResponseMatrix(parseCsv("x,y\n1,\n"), ["x", "y"])).toThrow(/row 1, column "y": empty cell/);
    expect(() => csvToResponseMatrix(table, ["label"])).toThrow(StatsInputError);
    expect(() => csvToResponseMatrix(table, ["nope"])).toThrow(/not in the CSV header: nope/);
  });
});
