/** The shape of Cube's `/cubejs-api/v1/meta` answer, as far as the product reads it. */
export interface MetaMember {
  name: string;
  title: string;
  shortTitle?: string;
  description?: string;
  type: string;
  format?: string;
  meta?: { metric?: string; dimension?: string; pii?: boolean };
}

export interface MetaCube {
  name: string;
  title: string;
  type?: 'cube' | 'view';
  description?: string;
  measures: MetaMember[];
  dimensions: MetaMember[];
  segments: MetaMember[];
}

export interface MetaResponse {
  cubes: MetaCube[];
}
