// per_page/page paging with GitHub's Link header (URLs built from the request as the client sent it).

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

export function paginate<T>(all: readonly T[], url: URL, defaultPerPage = 30): Page<T> {
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page')) || defaultPerPage, 1), 100);
  const page = Math.max(Math.floor(Number(url.searchParams.get('page')) || 1), 1);
  const last = Math.max(Math.ceil(all.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    items: all.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}
