export declare const RUN_TMP_PREFIX: string;
export declare const RUN_TMP_MARK: string;
export declare function makeRunTmp(parent?: string): string;
export declare function tmpEnv(dir: string): { TMPDIR: string; TMP: string; TEMP: string };
export declare function removeRunTmp(dir: string): boolean;
export declare function useRunTmp(options?: { keep?: boolean; parent?: string }): string;
