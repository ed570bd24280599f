/** An item's own page in the review desk: what alerts and logs link to (the API's JSON needs a signed-in desk). */
export const deskItemUrl = (baseUrl: string, id: number): string => `${baseUrl.replace(/\/+$/, '')}/ui/items/${id}`;
