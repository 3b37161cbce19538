export declare const repoRoot: string;
export declare const zooScriptDir: string;
export declare const zooCacheRoot: string;
export declare function zooSources(): string[];
export declare function zooKey(): string;
export declare function zooCacheDir(): string;
export declare function zooReady(): boolean;
