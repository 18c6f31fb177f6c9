/**
 * The centre's console (管理后台, issue 15), served by the central process at /console/: antd with its zh_CN
 * locale (English at the header's switch), react-router 7 and TanStack Query. antd writes its styles at run time:
 * they carry this page's CSP nonce (from the meta tag the centre fills in), so the page's policy need not allow
 * inline styles. Runs in the browser.
 */
import { IconProvider } from '@ant-design/icons';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './api.js';
import { AuthProvider } from './auth.js';
import { useLanguage } from './i18n.js';
import './messages.js';
import { consoleRouter } from './routes.js';
import { CONSOLE_THEME } from './theme.js';
import './styles.css';

const meta = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
/** This answer's CSP nonce (absent when the page was not served by the centre, e.g. opened from disk). */
const cspNonce = meta && meta !== '__CSP_NONCE__' ? meta : undefined;

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal is an answer: retrying a 4xx only repeats it.
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
  },
});

function Console() {
  const lang = useLanguage();
  const router = useMemo(() => consoleRouter(), []);
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={CONSOLE_THEME}
      // 登录, not 登 录: the words as written (and as a screen reader or a test names the button).
      button={{ autoInsertSpace: false }}
      {...(cspNonce ? { csp: { nonce: cspNonce } } : {})}
    >
      {/* antd's ConfigProvider gives the nonce to its own copy of @ant-design/icons; the icons this app imports
          (the package.json pin, another copy while the two versions differ) read it from here. */}
      <IconProvider value={cspNonce ? { csp: { nonce: cspNonce } } : {}}>
        <AntApp>
          <QueryClientProvider client={queryClient}>
            <AuthProvider>
              <RouterProvider router={router} />
            </AuthProvider>
          </QueryClientProvider>
        </AntApp>
      </IconProvider>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);
