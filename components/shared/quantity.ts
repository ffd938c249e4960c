/**
 * Kubernetes resource quantities (`250m`, `512Mi`, `1.5`, `2e3`), parsed the way
 * the API server's `resource.Quantity` accepts them, so a typo fails at preview
 * instead of at apply time.
 */

const BINARY_SUFFIXES: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

const DECIMAL_SUFFIXES: Record<string, number> = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
};

// sign? digits(.digits)? then one of: binary SI suffix, decimal SI suffix, or an exponent.
const QUANTITY =
    /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/**
 * Parses a quantity into its value in base units (cores, bytes), or returns
 * `undefined` when the text is not a valid Kubernetes quantity.
 */
export function parseQuantity(text: string): number | undefined {
    const match = QUANTITY.exec(text);
    if (!match) {
        return undefined;
    }
    const number = Number(match[1]);
    const suffix = match[2] ?? "";
    if (suffix in BINARY_SUFFIXES) {
        return number * BINARY_SUFFIXES[suffix];
    }
    if (suffix in DECIMAL_SUFFIXES) {
        return number * DECIMAL_SUFFIXES[suffix];
    }
    // The regex admits only the suffixes above or an exponent.
    return number * 10 ** Number(suffix.slice(1));
}

/** True when `text` is a valid, non-negative Kubernetes quantity. */
export function isNonNegativeQuantity(text: unknown): text is string {
    if (typeof text !== "string") {
        return false;
    }
    const value = parseQuantity(text);
    return value !== undefined && value >= 0;
}
