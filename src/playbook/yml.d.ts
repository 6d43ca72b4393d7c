// YAML files are bundled as text (esbuild `loader: { '.yml': 'text' }`; the vitest plugin does the same).
declare module '*.yml' {
  const text: string;
  export default text;
}
