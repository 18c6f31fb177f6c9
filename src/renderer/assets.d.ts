/** Files the screens import as URLs (vite gives each a hashed path in the build). */
declare module '*.wav' {
  const url: string;
  export default url;
}
