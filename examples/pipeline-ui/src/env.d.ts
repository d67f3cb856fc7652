/// <reference types="vite/client" />
declare const __EDITION__: string;
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
