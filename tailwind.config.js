/** @type {import('tailwindcss').Config} */
// Tailwind scans the templ sources and the Go that builds class names
// (handlers may pick a badge colour, for instance). Keep class names whole
// strings in the source ("bg-red-100", never "bg-" + colour) so they are found.
module.exports = {
  content: ['./views/**/*.templ', './views/**/*.go', './handlers/**/*.go'],
  theme: {
    extend: {
      colors: {
        // Calm clinical teal-blue; brand-700 on white passes WCAG AA for text.
        brand: {
          50: '#effafb',
          100: '#d6f1f4',
          200: '#b1e3ea',
          300: '#7bcdd9',
          400: '#3eadc0',
          500: '#2391a6',
          600: '#1f758c',
          700: '#1f5f73',
          800: '#21505f',
          900: '#1f4351',
          950: '#0f2b36',
        },
      },
      fontFamily: {
        // System fonts only: no web-font download on a hospital network.
        sans: [
          'system-ui',
          '-apple-system',
          '"Segoe UI"',
          'Roboto',
          '"Liberation Sans"',
          '"DejaVu Sans"',
          'Arial',
          'sans-serif',
        ],
        mono: ['ui-monospace', '"Liberation Mono"', '"DejaVu Sans Mono"', 'monospace'],
      },
      minHeight: {
        touch: '44px',
      },
      minWidth: {
        touch: '44px',
      },
    },
  },
  plugins: [],
};
