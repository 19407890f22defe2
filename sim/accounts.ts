import { SignJWT } from 'jose';
import type { VirtualClock } from './virtual-clock.js';

/** The HS256 secret the simulated Worker verifies with and the simulated identity provider signs with. */
export const SIM_JWT_SECRET = 'taco-sync-simulation-secret-of-32-bytes-or-more';
export const SIM_JWT_SECRET_BYTES = new TextEncoder().encode(SIM_JWT_SECRET);

/** How long a token lives unless a run shortens it. */
export const TOKEN_LIFETIME_S = 3600;

/**
 * The identity provider: users, whether their subscription allows the app, and tokens signed with
 * jose exactly as a real one would (HS256, `sub`, `subscriptions`, `iat`, `exp` in simulated time).
 */
export class IdentityProvider {
  private readonly unsubscribed = new Set<string>();
  /** Bumped when a subscription changes: sessions then fetch a token with the new claims. */
  generation = 0;

  constructor(private readonly clock: VirtualClock) {}

  subscribed(user: string): boolean {
    return !this.unsubscribed.has(user);
  }

  setSubscribed(user: string, subscribed: boolean): void {
    if (subscribed) this.unsubscribed.delete(user);
    else this.unsubscribed.add(user);
    this.generation++;
  }

  /** A token for `user`, valid `lifetimeS` from now. */
  mint(user: string, lifetimeS = TOKEN_LIFETIME_S): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ subscriptions: this.subscribed(user) ? ['sync_tenure'] : ['sync_tempo'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeS)
      .sign(SIM_JWT_SECRET_BYTES);
  }
}

/**
 * The sign-in state of one browser profile: who is signed in and the token its app hands to
 * `getToken`. A token is kept until it expires or `forceRefresh` asks for a new one; the identity
 * provider can be unreachable for a few calls (`getToken` then throws). Tokens live
 * {@link TOKEN_LIFETIME_S} of simulated time, so long runs meet natural expiry too.
 */
export class Session {
  user: string | null;
  private token: string | null = null;
  private generation = -1;
  /** `getToken` calls that throw before it works again. */
  outage = 0;
  /** The next token lives this long (a run shortens it to make tokens expire mid-sync). */
  nextLifetimeS = TOKEN_LIFETIME_S;

  constructor(
    private readonly idp: IdentityProvider,
    user: string | null,
  ) {
    this.user = user;
  }

  signIn(user: string | null): void {
    this.user = user;
    this.token = null;
  }

  /** The token handed out next has already expired (by more than any clock tolerance): the Worker answers 401 until the SDK asks for a fresh one. */
  expire(): void {
    this.nextLifetimeS = -300;
    this.token = null;
  }

  readonly getToken = async (options?: { forceRefresh?: boolean }): Promise<string | null> => {
    if (this.outage > 0) {
      this.outage--;
      throw new Error('identity provider unreachable (injected)');
    }
    if (this.user === null) return null;
    // Like many apps, the cache hands out its token until told otherwise: an expired one meets a 401.
    if (this.token === null || options?.forceRefresh || this.generation !== this.idp.generation) {
      this.generation = this.idp.generation;
      this.token = await this.idp.mint(this.user, this.nextLifetimeS);
      this.nextLifetimeS = TOKEN_LIFETIME_S;
    }
    return this.token;
  };
}
