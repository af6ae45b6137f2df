import { type NextRequest, NextResponse } from 'next/server';
import { factorkit } from '@/lib/two-factor';

/** The pages under /dashboard need a full sign-in: password and second factor. */
export async function proxy(request: NextRequest) {
  const state = await factorkit().twoFactor.stateOf(request);
  if (state?.stage === 'signed-in') return NextResponse.next();
  return NextResponse.redirect(new URL('/login', request.url));
}

export const config = { matcher: ['/dashboard/:path*'] };
