/** Types of chromium.mjs, for the tests that import it. */
export declare function findChromium(): string | null;
export declare function chromiumFlags(profile: string): string[];
export interface ChromiumPage {
  evaluate(expression: string): Promise<unknown>;
  until(expression: string, ms?: number): Promise<unknown>;
  type(text: string): Promise<void>;
  screenshot(out: string, options?: { fullPage?: boolean; selector?: string }): Promise<void>;
  close(): Promise<unknown>;
}
export declare function launch(chromium?: string | null): Promise<{
  page(url: string, size?: { width?: number; height?: number }): Promise<ChromiumPage>;
  close(): Promise<void>;
}>;
