/**
 * Small dense linear algebra for the statistics engine.
 *
 * PLS path models have at most a few dozen items and a handful of constructs, so plain
 * row-major Float64Array matrices and textbook factorizations are both fast enough and
 * easy to audit; a general-purpose library would add bundle weight to the Worker for nothing.
 */

/** Row-major dense matrix. `data[r * cols + c]` is the element in row r, column c. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Raised when a system cannot be solved (singular or non-finite matrix). */
export class SingularMatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SingularMatrixError";
  }
}

export function createMatrix(rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function matrixFromRows(values: ReadonlyArray<ReadonlyArray<number>>): DenseMatrix {
  const rows = values.length;
  const cols = rows === 0 ? 0 : values[0].length;
  const matrix = createMatrix(rows, cols);
  for (let r = 0; r < rows; r++) {
    if (values[r].length !== cols) throw new RangeError("matrixFromRows: ragged rows");
    for (let c = 0; c < cols; c++) matrix.data[r * cols + c] = values[r][c];
  }
  return matrix;
}

export function matrixToRows(matrix: DenseMatrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < matrix.rows; r++) {
    out.push(Array.from(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols)));
  }
  return out;
}

export function transposeMatrix(matrix: DenseMatrix): DenseMatrix {
  const out = createMatrix(matrix.cols, matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    for (let c = 0; c < matrix.cols; c++) out.data[c * matrix.rows + r] = matrix.data[r * matrix.cols + c];
  }
  return out;
}

export function multiplyMatrices(left: DenseMatrix, right: DenseMatrix): DenseMatrix {
  if (left.cols !== right.rows) {
    throw new RangeError(`multiplyMatrices: ${left.rows}x${left.cols} times ${right.rows}x${right.cols}`);
  }
  const out = createMatrix(left.rows, right.cols);
  const n = right.cols;
  // i-k-j loop order walks both operands row-wise, which keeps the inner loop cache friendly.
  for (let i = 0; i < left.rows; i++) {
    for (let k = 0; k < left.cols; k++) {
      const a = left.data[i * left.cols + k];
      if (a === 0) continue;
      const rightRow = k * n;
      const outRow = i * n;
      for (let j = 0; j < n; j++) out.data[outRow + j] += a * right.data[rightRow + j];
    }
  }
  return out;
}

/**
 * Cholesky factor L (lower triangular, A = L·Lᵀ) of a symmetric positive definite matrix.
 * Returns null when A is not numerically positive definite so callers can fall back to LU.
 */
export function choleskyDecompose(matrix: DenseMatrix): DenseMatrix | null {
  const n = matrix.rows;
  if (matrix.cols !== n) throw new RangeError("choleskyDecompose: matrix must be square");
  const a = matrix.data;
  const lower = createMatrix(n, n);
  const l = lower.data;
  for (let j = 0; j < n; j++) {
    let diagonal = a[j * n + j];
    for (let k = 0; k < j; k++) diagonal -= l[j * n + k] * l[j * n + k];
    // A relative threshold rejects matrices that are singular up to rounding.
    if (!(diagonal > 1e-14 * Math.max(1, Math.abs(a[j * n + j])))) return null;
    const root = Math.sqrt(diagonal);
    l[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = sum / root;
    }
  }
  return lower;
}

/** Solves (L·Lᵀ) x = b given the Cholesky factor L. */
export function solveWithCholesky(lower: DenseMatrix, rhs: ArrayLike<number>): Float64Array {
  const n = lower.rows;
  const l = lower.data;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = rhs[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
    y[i] = sum / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
    x[i] = sum / l[i * n + i];
  }
  return x;
}

export interface LuDecomposition {
  readonly lu: DenseMatrix;
  readonly pivots: Int32Array;
}

/** LU decomposition with partial pivoting (PA = LU). Throws SingularMatrixError on a zero pivot. */
export function luDecompose(matrix: DenseMatrix): LuDecomposition {
  const n = matrix.rows;
  if (matrix.cols !== n) throw new RangeError("luDecompose: matrix must be square");
  const lu = { rows: n, cols: n, data: Float64Array.from(matrix.data) };
  const a = lu.data;
  const pivots = new Int32Array(n);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let k = 0; k < n; k++) {
    let pivotRow = k;
    let pivotValue = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const value = Math.abs(a[i * n + k]);
      if (value > pivotValue) {
        pivotValue = value;
        pivotRow = i;
      }
    }
    if (!(pivotValue > 1e-13 * Math.max(scale, 1e-300))) {
      throw new SingularMatrixError("matrix is singular to working precision");
    }
    pivots[k] = pivotRow;
    if (pivotRow !== k) {
      for (let j = 0; j < n; j++) {
        const tmp = a[k * n + j];
        a[k * n + j] = a[pivotRow * n + j];
        a[pivotRow * n + j] = tmp;
      }
    }
    const pivot = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const factor = (a[i * n + k] /= pivot);
      if (factor === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= factor * a[k * n + j];
    }
  }
  return { lu, pivots };
}

export function solveWithLu(decomposition: LuDecomposition, rhs: ArrayLike<number>): Float64Array {
  const { lu, pivots } = decomposition;
  const n = lu.rows;
  const a = lu.data;
  const x = Float64Array.from(rhs as ArrayLike<number>);
  for (let k = 0; k < n; k++) {
    const p = pivots[k];
    if (p !== k) {
      const tmp = x[k];
      x[k] = x[p];
      x[p] = tmp;
    }
  }
  for (let i = 0; i < n; i++) {
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= a[i * n + k] * x[k];
    x[i] = sum;
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < n; k++) sum -= a[i * n + k] * x[k];
    x[i] = sum / a[i * n + i];
  }
  return x;
}

/**
 * Solves A x = b. Correlation matrices are symmetric positive definite, so Cholesky is tried
 * first (cheaper, and it doubles as a positive-definiteness check); LU with pivoting covers
 * indefinite inputs such as pairwise-deletion correlation matrices.
 */
export function solveLinearSystem(matrix: DenseMatrix, rhs: ArrayLike<number>): Float64Array {
  if (matrix.rows !== rhs.length) throw new RangeError("solveLinearSystem: dimension mismatch");
  const lower = choleskyDecompose(matrix);
  if (lower) return solveWithCholesky(lower, rhs);
  return solveWithLu(luDecompose(matrix), rhs);
}

/** Copies the square sub-matrix of `matrix` (n×n, row-major) on the given row/column indices. */
export function selectSubmatrix(
  data: ArrayLike<number>,
  size: number,
  rowIndices: ArrayLike<number>,
  colIndices: ArrayLike<number> = rowIndices,
): DenseMatrix {
  const out = createMatrix(rowIndices.length, colIndices.length);
  for (let r = 0; r < rowIndices.length; r++) {
    const sourceRow = rowIndices[r] * size;
    for (let c = 0; c < colIndices.length; c++) {
      out.data[r * colIndices.length + c] = data[sourceRow + colIndices[c]];
    }
  }
  return out;
}
