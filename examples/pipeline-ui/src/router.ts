import { createRouter, createWebHistory } from 'vue-router';
import HomeView from './views/HomeView.vue';
import NotFoundView from './views/NotFoundView.vue';
import RunsView from './views/RunsView.vue';
import RunView from './views/RunView.vue';

export const router = createRouter({
  // History mode: every route is a real path, so the edge must answer deep links with the shell.
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: HomeView },
    { path: '/runs', name: 'runs', component: RunsView },
    { path: '/runs/:id', name: 'run', component: RunView, props: true },
    // Lazy chunks: fetched only when first visited, from the release the tab was loaded with.
    { path: '/runs/:id/steps/:step', name: 'step', component: () => import('./views/StepView.vue'), props: true },
    { path: '/about', name: 'about', component: () => import('./views/AboutView.vue') },
    { path: '/:missing(.*)*', name: 'not-found', component: NotFoundView },
  ],
});
